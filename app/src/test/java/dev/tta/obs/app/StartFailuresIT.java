package dev.tta.obs.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
