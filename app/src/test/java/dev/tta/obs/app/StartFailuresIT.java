package dev.tta.obs.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user sees when `tta-obs start` cannot start: one line that says what to do, exit code 1. */
class StartFailuresIT {
    @TempDir
    Path dir;

    @Test
    void portAlreadyTaken_namesThePortAndTheFlag() {
        try (RunningService first = new RunningService(dir.resolve("a"))) {
            CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + first.port, "--otlp-http-port=0",
                    "--data-dir=" + dir.resolve("b"));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("port " + first.port).contains("already in use").contains("--port");
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void unusableDataDirectory_namesTheDatabaseFile() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "x");
        CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                "--otlp-http-port=0", "--data-dir=" + blocker);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot open SQLite database").contains("not-a-directory");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void authTokenFile_missingEmptyOrUnreadable_isOneLineNamingTheFile() throws Exception {
        Path missing = dir.resolve("no-such-token");
        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        Path directory = Files.createDirectory(dir.resolve("token-dir"));
        Path locked = Files.writeString(dir.resolve("locked-token"), "t0ken\n");
        boolean canLock = locked.toFile().setReadable(false, false) && !Files.isReadable(locked); // root reads anyway
        for (Path file : canLock ? List.of(missing, empty, directory, locked) : List.of(missing, empty, directory)) {
            CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                    "--otlp-http-port=0", "--otlp-grpc-port=0", "--auth-token-file=" + file,
                    "--data-dir=" + dir.resolve("data"));
            assertThat(r.exitCode()).as(file.toString()).isEqualTo(1);
            String first = r.err().lines().findFirst().orElse("");
            assertThat(first).as(r.err()).startsWith("tta-obs: --auth-token-file").contains(file.toString());
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void authTokenFile_andAToken_together_areRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "a\n");
        CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                "--otlp-http-port=0", "--otlp-grpc-port=0", "--auth-token=b", "--auth-token-file=" + file,
                "--data-dir=" + dir.resolve("data"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("both --auth-token").contains("--auth-token-file");
    }

    @Test
    void roleKeys_withoutTheFullKey_twoRolesForOneKey_orAnEmptyKeyFile_areOneLine() throws Exception {
        Path comments = Files.writeString(dir.resolve("viewers"), "# nobody yet\n\n");
        List<List<String>> given = List.of(List.of("--ingest-token=app"), List.of("--auth-token=k", "--viewer-token=k"),
                List.of("--auth-token=k", "--viewer-token-file=" + comments));
        List<String> said = List.of("tta-obs: --ingest-token and --viewer-token need --auth-token too",
                "tta-obs: the same key is given as --auth-token and as --viewer-token; a key has one role",
                "tta-obs: --viewer-token-file: " + comments + " holds no key; put one key on each line");
        for (int i = 0; i < given.size(); i++) {
            List<String> args = new java.util.ArrayList<>(List.of("start", "--port=" + RunningService.freePort(),
                    "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dir.resolve("data")));
            args.addAll(given.get(i));
            CommandLineTest.Run r = CommandLineTest.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().lines().findFirst().orElse("")).as(r.err()).startsWith(said.get(i));
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    /** A database cut short (a failed copy, a full disk while copying): one line naming it and what to do. */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void truncatedDatabase_isOneLineNamingTheFileAndWhatToDo() throws Exception {
        Path data = dir.resolve("data");
        try (RunningService s = new RunningService(data)) {
            s.export(OtlpRequests.service("checkout").span(1, 0, -1, "kept", 0, 10, false).bytes());
        }
        Path db = data.resolve("tta-obs.sqlite");
        long size = Files.size(db);
        assertThat(size).isGreaterThan(8192);
        try (var ch = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        assertOneLineAbout(data, db);
    }

    @org.junit.jupiter.api.Tag("faults")
    @Test
    void garbageInsteadOfADatabase_isOneLineNamingTheFileAndWhatToDo() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path db = data.resolve("tta-obs.sqlite");
        byte[] junk = new byte[8192];
        new java.util.Random(1).nextBytes(junk);
        Files.write(db, junk);
        assertOneLineAbout(data, db);
    }

    private void assertOneLineAbout(Path data, Path db) {
        CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + data);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).as(r.err()).startsWith("tta-obs: ").contains(db.toString());
        assertThat(first).as(r.err()).containsAnyOf("damaged", "not a SQLite database", "truncated");
        assertThat(first).as(r.err()).contains("move it aside");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    /**
     * As a real process (not inside a test, where Micronaut throws instead of exiting): Micronaut's
     * own start-up failure handling exited 1 with no output at all.
     */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void damagedDatabase_inARealProcess_stillSaysWhatIsWrong() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path db = data.resolve("tta-obs.sqlite");
        Files.write(db, new byte[8192]);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), TtaObs.class.getName(), "start",
                "--port=" + RunningService.freePort(), "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + data)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).as(out).contains("tta-obs: cannot open SQLite database " + db).contains("move it aside")
                .doesNotContain("\tat ");
    }

    /**
     * A second server on the same data directory (another port, another process) refuses in one
     * line naming the first one's pid and port; once the first is killed with SIGKILL, which
     * leaves its lock file behind, the directory is free again.
     */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void aSecondServerOnTheSameDataDirectory_refusesNamingTheFirst_untilTheFirstIsKilled() throws Exception {
        Path data = dir.resolve("shared");
        int firstPort = RunningService.freePort();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process first = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), TtaObs.class.getName(),
                "start", "--port=" + firstPort, "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + data)
                .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        try {
            awaitHealthy(firstPort, first);
            CommandLineTest.Run second = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                    "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + data);
            assertThat(second.exitCode()).as(second.err()).isEqualTo(1);
            String line = second.err().lines().findFirst().orElse("");
            assertThat(line).as(second.err()).startsWith("tta-obs: ").contains(data.toString())
                    .contains("in use by another tta-obs").contains("pid " + first.pid()).contains("port " + firstPort);
            assertThat(second.err()).doesNotContain("\tat ");
        } finally {
            first.destroyForcibly(); // SIGKILL: the lock file stays, the OS lock goes with the process
            first.waitFor();
        }
        assertThat(data.resolve("tta-obs.lock")).exists();
        try (RunningService again = new RunningService(data)) {
            assertThat(again.getJson("/api/health").get("status").asText()).isEqualTo("ok");
        }
    }

    private static void awaitHealthy(int port, Process server) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("first server running").isTrue();
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/api/health")).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("first server not healthy within 90 s");
    }

    /**
     * A database file that cannot be written (read-only for root too: a read-only bind mount) is
     * opened read-only by SQLite without a word; the server started "ready" and answered every
     * export 503 "retry later" forever. It must refuse to start, naming the file and what to do.
     */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void readOnlyDatabaseFile_refusesToStart_namingTheFileAndWhatToDo() throws Exception {
        Path data = dir.resolve("data");
        try (RunningService s = new RunningService(data)) {
            s.export(OtlpRequests.service("checkout").span(1, 0, -1, "kept", 0, 10, false).bytes());
        }
        Path db = data.resolve("tta-obs.sqlite");
        try (AutoCloseable readOnly = dev.tta.obs.ports.contract.SmallDisk.readOnly(db)) {
            CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                    "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + data);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            String first = r.err().lines().findFirst().orElse("");
            assertThat(first).as(r.err()).startsWith("tta-obs: ").contains(db.toString()).contains("readonly")
                    .contains("make the file and its directory writable");
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @org.junit.jupiter.api.Tag("faults")
    @Test
    void readOnlyDataDirectory_refusesToStart_namingTheDirectory() throws Exception {
        Path data = dir.resolve("data");
        try (RunningService s = new RunningService(data)) {
            s.export(OtlpRequests.service("checkout").span(1, 0, -1, "kept", 0, 10, false).bytes());
        }
        try (AutoCloseable readOnly = dev.tta.obs.ports.contract.SmallDisk.readOnly(data)) {
            CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                    "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + data);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            String first = r.err().lines().findFirst().orElse("");
            assertThat(first).as(r.err()).startsWith("tta-obs: ").contains(data.toString())
                    .containsAnyOf("writable", "Read-only file system");
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }
}
