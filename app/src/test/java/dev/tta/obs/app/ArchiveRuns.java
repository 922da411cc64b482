package dev.tta.obs.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Running an unpacked release archive's commands as a user would, for the archive tests. */
final class ArchiveRuns {
    private ArchiveRuns() {
    }

    /** What a command printed (stdout and stderr together) and its exit code. */
    record Result(int code, String output) {
    }

    /**
     * Runs a command to its end in {@code dir}.
     *
     * @param environment sets the command's environment (HOME, PATH, JAVA_HOME) on its builder
     */
    static Result run(Path dir, Consumer<ProcessBuilder> environment, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        environment.accept(pb);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    /** Waits until a started tta-obs answers {@code /api/health}; fails with its log if it exits first. */
    static void awaitHealthy(Process p, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(p.isAlive()).as("tta-obs exited early:\n%s", Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            assertThat(System.nanoTime()).as("healthy within 120 s:\n%s", Files.readString(log)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
