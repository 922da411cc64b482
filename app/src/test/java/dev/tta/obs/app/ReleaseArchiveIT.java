package dev.tta.obs.app;

import dev.tta.obs.app.ArchiveRuns.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The release archive as a new user gets it: unpacked anywhere, run from elsewhere, installed into a home. */
class ReleaseArchiveIT {
    @TempDir
    Path tmp;
    private Path unpacked;
    private Path home;
    private Path elsewhere;

    @BeforeEach
    void unpack() throws Exception {
        Path archive;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            // tta-obs-<version>.tar.gz, not the tta-obs-<version>-<os>-<arch>.tar.gz that brings a runtime
            archive = s.filter(p -> p.getFileName().toString().matches("tta-obs-.+\\.tar\\.gz"))
                    .min(java.util.Comparator.comparingInt(p -> p.getFileName().toString().length()))
                    .orElseThrow(() -> new IllegalStateException("no tta-obs-*.tar.gz in target: run through `./mvnw verify`"));
        }
        Path dest = Files.createDirectories(tmp.resolve("download"));
        Process tar = new ProcessBuilder("tar", "xzf", archive.toAbsolutePath().toString(), "-C", dest.toString())
                .inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        try (Stream<Path> s = Files.list(dest)) {
            unpacked = s.findFirst().orElseThrow();
        }
        home = Files.createDirectories(tmp.resolve("home"));
        elsewhere = Files.createDirectories(tmp.resolve("my-agent-project"));
    }

    @Test
    void theArchiveStartsFromAnotherDirectory_andWritesNothingIntoItself() throws Exception {
        List<String> before = listing(unpacked);
        assertThat(before).contains("bin/tta-obs", "bin/tta-obs.cmd", "lib/tta-obs.jar", "lib/jvm.options",
                "LICENSE", "README.txt");

        Result version = run(unpacked.resolve("bin/tta-obs").toString(), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.output()).startsWith("tta-obs ").doesNotContain("dev");

        int port = RunningService.freePort();
        ProcessBuilder pb = new ProcessBuilder(unpacked.resolve("bin/tta-obs").toString(), "start", "--port=" + port,
                // Java takes the home directory from the user database, not $HOME: keep the data here
                "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + tmp.resolve("data"))
                .directory(elsewhere.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("start.log").toFile());
        environment(pb);
        Process p = pb.start();
        try {
            ArchiveRuns.awaitHealthy(p, port, tmp.resolve("start.log"));
        } finally {
            p.destroy();
            p.waitFor(180, TimeUnit.SECONDS);
        }

        assertThat(listing(unpacked)).as("the install is left as unpacked").isEqualTo(before);
        assertThat(listing(elsewhere)).as("nor is anything left in the working directory").isEmpty();
        assertThat(tmp.resolve("data/tta-obs.sqlite")).exists();
        assertThat(home.resolve(".cache/tta-obs/native")).isNotEmptyDirectory();
    }

    @Test
    void installPutsTtaObsOnAPerUserPath_andUninstallKeepsTheTraces() throws Exception {
        Result install = run(unpacked.resolve("bin/tta-obs").toString(), "install");
        assertThat(install.code()).as(install.output()).isZero();
        Path link = home.resolve(".local/bin/tta-obs");
        assertThat(link).isSymbolicLink();
        assertThat(home.resolve(".local/lib/tta-obs/lib/tta-obs.jar")).exists();
        assertThat(install.output()).as("PATH here lacks ~/.local/bin").contains("not on your PATH")
                .contains("export PATH=");

        Result version = run(link.toString(), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.output()).startsWith("tta-obs ");

        // an upgrade is the same command again
        Result again = run(unpacked.resolve("bin/tta-obs").toString(), "install");
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(run(link.toString(), "--version").code()).isZero();

        Path data = Files.createDirectories(home.resolve(".local/share/tta-obs"));
        Files.writeString(data.resolve("tta-obs.sqlite"), "traces");
        Result uninstall = run(link.toString(), "uninstall");
        assertThat(uninstall.code()).as(uninstall.output()).isZero();
        assertThat(link).doesNotExist();
        assertThat(home.resolve(".local/lib/tta-obs")).doesNotExist();
        assertThat(data.resolve("tta-obs.sqlite")).exists();
        assertThat(uninstall.output()).contains("kept your traces in " + data);

        Result purge = run(unpacked.resolve("bin/tta-obs").toString(), "uninstall", "--delete-data");
        assertThat(purge.code()).isZero();
        assertThat(data).doesNotExist();
    }

    @Test
    void aBadInstallOption_isOneLineAndChangesNothing() throws Exception {
        Result r = run(unpacked.resolve("bin/tta-obs").toString(), "install", "--prefx=/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.output().strip()).isEqualTo("tta-obs install: unknown option '--prefx=/x'");
        assertThat(home.resolve(".local")).doesNotExist();
    }

    private Result run(String... command) throws Exception {
        return ArchiveRuns.run(elsewhere, this::environment, command);
    }

    private void environment(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", "/usr/bin:/bin");
        env.put("SHELL", "/bin/bash");
        for (String v : List.of("XDG_DATA_HOME", "XDG_CACHE_HOME", "TTA_OBS_DATA_DIR", "TTA_OBS_JAVA_OPTS", "TTA_OBS_PORT")) {
            env.remove(v);
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<String> files = new ArrayList<>();
            s.filter(Files::isRegularFile).forEach(f -> files.add(dir.relativize(f).toString()));
            files.sort(null);
            return files;
        }
    }
}
