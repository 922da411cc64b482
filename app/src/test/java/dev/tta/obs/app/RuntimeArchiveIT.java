package dev.tta.obs.app;

import dev.tta.obs.app.ArchiveRuns.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive that brings its own Java (tta-obs-&lt;version&gt;-&lt;os&gt;-&lt;arch&gt;.tar.gz, built with
 * {@code -Dtta.runtime}) on a machine with no Java at all: no JAVA_HOME, no {@code java} on PATH.
 */
class RuntimeArchiveIT {
    @TempDir
    Path tmp;
    private Path unpacked;
    private Path home;
    private Path tools;

    @BeforeEach
    void unpack() throws Exception {
        Optional<Path> archive;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            archive = s.filter(p -> p.getFileName().toString().matches("tta-obs-.+-.+-.+\\.tar\\.gz"))
                    .filter(p -> !p.getFileName().toString().matches("tta-obs-[^-]+(-SNAPSHOT)?\\.tar\\.gz"))
                    .findFirst();
        }
        // one left from an earlier -Dtta.runtime build holds an older jar: not what this build made
        Path jar = Path.of("target", "tta-obs-all.jar");
        if (archive.isPresent() && Files.exists(jar)
                && Files.getLastModifiedTime(archive.get()).compareTo(Files.getLastModifiedTime(jar)) < 0) {
            archive = Optional.empty();
        }
        if (archive.isEmpty()) {
            // everyday builds skip the runtime; -Dtta.runtime (as .ci/run builds) must produce it
            assertThat(Boolean.getBoolean("tta.runtime")).as("-Dtta.runtime given but no runtime archive in target").isFalse();
            Assumptions.abort("no tta-obs-*-<os>-<arch>.tar.gz in target from this build: build with -Dtta.runtime");
        }
        Path dest = Files.createDirectories(tmp.resolve("download"));
        Process tar = new ProcessBuilder("tar", "xzf", archive.get().toAbsolutePath().toString(), "-C", dest.toString())
                .inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        try (Stream<Path> s = Files.list(dest)) {
            unpacked = s.findFirst().orElseThrow();
        }
        home = Files.createDirectories(tmp.resolve("home"));
        tools = commandsWithoutJava(Files.createDirectories(tmp.resolve("tools")));
    }

    /** The links themselves, before JUnit's clean-up warns about each one pointing outside the directory. */
    @AfterEach
    void removeLinks() throws IOException {
        if (tools != null) {
            try (Stream<Path> s = Files.list(tools)) {
                for (Path link : (Iterable<Path>) s::iterator) {
                    Files.delete(link);
                }
            }
        }
    }

    @Test
    void startsWithItsOwnRuntime_onAMachineWithoutJava() throws Exception {
        assertThat(unpacked.resolve("runtime/bin/java")).isExecutable();
        assertThat(run("sh", "-c", "command -v java || echo none").output().strip()).as("no java on this PATH").isEqualTo("none");

        int port = RunningService.freePort();
        ProcessBuilder pb = new ProcessBuilder(unpacked.resolve("bin/tta-obs").toString(), "start", "--port=" + port,
                "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + tmp.resolve("data"))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("start.log").toFile());
        environment(pb);
        Process p = pb.start();
        try {
            ArchiveRuns.awaitHealthy(p, port, tmp.resolve("start.log"));
            Path bundled = unpacked.resolve("runtime/bin/java").toRealPath();
            assertThat(p.info().command().map(Path::of)).as("the bundled java runs it").contains(bundled);
        } finally {
            p.destroy();
            p.waitFor(180, TimeUnit.SECONDS);
        }
        assertThat(tmp.resolve("data/tta-obs.sqlite")).exists();
    }

    @Test
    void withoutItsRuntime_andNoJava_itSaysWhatItNeedsInOneLine() throws Exception {
        Files.move(unpacked.resolve("runtime"), unpacked.resolve("runtime-moved-away"));

        Result r = run(unpacked.resolve("bin/tta-obs").toString(), "--version");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.output().strip()).doesNotContain("\n").startsWith("tta-obs: no Java found.").contains("JAVA_HOME");
    }

    /** A directory of links to this machine's commands, leaving out {@code java}. */
    private static Path commandsWithoutJava(Path dir) throws IOException {
        for (String bin : List.of("/usr/bin", "/bin")) {
            try (Stream<Path> s = Files.list(Path.of(bin))) {
                for (Path command : (Iterable<Path>) s::iterator) {
                    Path link = dir.resolve(command.getFileName());
                    String name = command.getFileName().toString();
                    if (!name.equals("java") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return dir;
    }

    private void environment(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.put("HOME", home.toString());
        env.put("PATH", tools.toString());
        for (String v : List.of("XDG_DATA_HOME", "XDG_CACHE_HOME", "TTA_OBS_DATA_DIR", "TTA_OBS_JAVA_OPTS", "TTA_OBS_PORT")) {
            env.remove(v);
        }
    }

    private Result run(String... command) throws Exception {
        return ArchiveRuns.run(home, this::environment, command);
    }
}
