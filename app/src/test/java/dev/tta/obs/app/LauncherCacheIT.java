package dev.tta.obs.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's start-up cache as a user meets it: the launcher script run from a release layout
 * (bin/tta-obs, lib/tta-obs.jar) with its own cache directory, on every JDK 17+ this machine has.
 */
class LauncherCacheIT {
    private static final Path LAUNCHER = Path.of("..", "tta-obs").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "tta-obs-all.jar").toAbsolutePath();

    @TempDir
    Path tmp;
    private Path bin;
    private Path cache;

    @BeforeEach
    void install() throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run this test through `./mvnw verify`");
        }
        Path home = tmp.resolve("tta-obs");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        bin = Files.copy(LAUNCHER, home.resolve("bin/tta-obs"));
        Files.copy(JAR, home.resolve("lib/tta-obs.jar"));
        Files.copy(JAR.resolveSibling("tta-obs-services.jar"), home.resolve("lib/tta-obs-services.jar"));
        Files.copy(Path.of("jvm.options"), home.resolve("lib/jvm.options"));
        cache = tmp.resolve("cache");
    }

    @Test
    void trainRecordsOneCachePerJdk_andStartsUseIt() throws Exception {
        List<Path> jdks = jdks();
        for (Path jdk : jdks) {
            Result r = run(jdk, "train");
            assertThat(r.code).as(r.output).isZero();
            assertThat(r.output).contains("start-up cache for Java").contains("ready");
        }

        List<Path> dirs;
        try (Stream<Path> s = Files.list(cache.resolve("tta-obs/startup"))) {
            dirs = s.sorted().toList();
        }
        assertThat(dirs).as("one directory per JDK").hasSize(jdks.size());
        for (Path jdk : jdks) {
            assertThat(archive(jdk)).as("a cache for " + jdk).isPresent();
        }
        assertThat(cache.resolve("tta-obs/native")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("sqlitejdbc-"));

        for (Path jdk : jdks) {
            Path before = archive(jdk).orElseThrow();
            long size = Files.size(before);
            startAndStop(jdk);
            assertThat(archive(jdk)).as("used as it is, not recorded again").contains(before);
            assertThat(Files.size(before)).isEqualTo(size);
        }
    }

    @Test
    void aCorruptCacheIsReplaced_andTheStartStillSucceeds() throws Exception {
        Path jdk = jdks().get(0);
        assertThat(run(jdk, "train").code).isZero();
        Path archive = archive(jdk).orElseThrow();
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        Files.delete(archive);
        Files.write(archive, garbage);

        startAndStop(jdk);
        // the next launch, whatever the command, puts the recording of that start in place
        assertThat(run(jdk, "--version").code).isZero();

        assertThat(archive).exists();
        assertThat(Files.size(archive)).isGreaterThan(1_000_000);
        assertThat(Arrays.copyOf(Files.readAllBytes(archive), 64)).isNotEqualTo(Arrays.copyOf(garbage, 64));
        startAndStop(jdk);
    }

    @Test
    void anotherJdksCacheIsReplaced_andTheStartStillSucceeds() throws Exception {
        List<Path> jdks = jdks();
        org.junit.jupiter.api.Assumptions.assumeTrue(jdks.size() >= 2, "needs two JDKs");
        Path mine = jdks.get(0);
        Path other = jdks.get(1);
        assertThat(run(mine, "train").code).isZero();
        assertThat(run(other, "train").code).isZero();
        Path archive = archive(mine).orElseThrow();
        byte[] foreign = Files.readAllBytes(archive(other).orElseThrow());
        Files.delete(archive);
        Files.write(archive, foreign);

        startAndStop(mine);
        assertThat(run(mine, "--version").code).isZero();

        assertThat(archive).exists();
        assertThat(Files.size(archive)).isNotEqualTo(foreign.length);
        startAndStop(mine);
    }

    /** The cache file in the directory of this JDK, if there is one. */
    private Optional<Path> archive(Path jdk) throws IOException {
        Path startup = cache.resolve("tta-obs/startup");
        String version = release(jdk).get("JAVA_RUNTIME_VERSION");
        Path dir = startup.resolve("jdk-" + version.replaceAll("[^A-Za-z0-9._+-]", "_"));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".aot")).findFirst();
        }
    }

    private void startAndStop(Path jdk) throws Exception {
        int port = freePort();
        Path log = tmp.resolve("start.log");
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "start", "--port=" + port, "--otlp-http-port=0",
                "--otlp-grpc-port=0", "--data-dir=" + tmp.resolve("data"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb, jdk);
        Process p = pb.start();
        try {
            ArchiveRuns.awaitHealthy(p, port, log);
            assertThat(Files.readString(log)).as("no JVM complaints about the cache")
                    .doesNotContainIgnoringCase("shared archive").doesNotContainIgnoringCase("AOT cache");
        } finally {
            // SIGTERM, as Ctrl-C or VS Code's Stop; the JVM records a cache as it exits, which takes a while
            p.destroy();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Result run(Path jdk, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        environment(pb, jdk);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    private void environment(ProcessBuilder pb, Path jdk) {
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", jdk.toString());
        env.put("XDG_CACHE_HOME", cache.toString());
        env.put("HOME", tmp.resolve("home").toString());
        env.remove("TTA_OBS_JAVA_OPTS");
    }

    private record Result(int code, String output) {
    }

    /** This test's JDK first, then every other JDK 17+ installed where Linux and macOS keep them. */
    static List<Path> jdks() throws IOException {
        Set<Path> found = new LinkedHashSet<>();
        found.add(Path.of(System.getProperty("java.home")).toRealPath());
        for (Path root : List.of(Path.of("/usr/lib/jvm"), Path.of("/Library/Java/JavaVirtualMachines"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.sorted().toList()) {
                    Path home = Files.isDirectory(p.resolve("Contents/Home")) ? p.resolve("Contents/Home") : p;
                    if (Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(home.resolve("release"))) {
                        found.add(home.toRealPath());
                    }
                }
            }
        }
        List<Path> jdks = new ArrayList<>();
        for (Path home : found) {
            String v = release(home).getOrDefault("JAVA_VERSION", "0");
            if (Integer.parseInt(v.split("\\.")[0]) >= 17) {
                jdks.add(home);
            }
        }
        return jdks;
    }

    static Map<String, String> release(Path jdk) throws IOException {
        Map<String, String> values = new java.util.HashMap<>();
        Path release = jdk.resolve("release");
        if (Files.isRegularFile(release)) {
            for (String line : Files.readAllLines(release)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
                }
            }
        }
        return values;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
