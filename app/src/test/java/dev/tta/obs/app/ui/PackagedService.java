package dev.tta.obs.app.ui;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar started as a user starts it ({@code java -jar tta-obs-all.jar start}), so the test sees
 * the dashboard exactly as shipped: static resources from the shaded jar, MIME types, routing.
 */
final class PackagedService implements AutoCloseable {
    /** Another build's jar, for a benchmark that compares two builds; the tests use target/'s. */
    static final String JAR_PROPERTY = "tta-obs.bench.jar";
    final int port;
    private final Process process;
    private final Path log;

    /** @param extraArgs more `start` flags, e.g. a budget */
    PackagedService(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, Path.of("target", "tta-obs-all.jar").toString()));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the browser tests through `./mvnw verify`");
        }
        port = freePort();
        log = dataDir.resolve("service.log");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "start", "--port=" + port, "--otlp-http-port=0", "--otlp-grpc-port=0",
                "--data-dir=" + dataDir.resolve("data")));
        command.addAll(java.util.List.of(extraArgs));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitHealthy();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("tta-obs exited early:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/api/health"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("tta-obs did not become healthy in 60 s:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
