package dev.tta.obs.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * {@code tta-obs train}: one short, typical run for the launcher to record its start-up cache from.
 * Starts tta-obs on free ports with a new, temporary data directory, sends a few workflow runs, reads
 * them back through the REST API and the dashboard, and stops. The user's data is not touched.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Record the start-up cache for this Java and this tta-obs (the launcher keeps it in the "
                + "user's cache directory). Starts tta-obs on free ports with an empty temporary data directory, "
                + "sends and queries a few traces, and stops; takes a few seconds.",
                "Not needed as a rule: the first `tta-obs start` records the cache when it stops."})
final class TrainCommand implements Callable<Integer> {
    private static final Logger SDK_LOG = Logger.getLogger("io.opentelemetry");

    @Override
    public Integer call() throws Exception {
        SDK_LOG.setLevel(Level.OFF);
        Path dir = Files.createTempDirectory("tta-obs-train");
        StartCommand start = new StartCommand(new PrintStream(OutputStream.nullOutputStream()));
        try {
            int port = freePort();
            new CommandLine(start).parseArgs("--data-dir", dir.toString(), "--port", String.valueOf(port),
                    "--otlp-http-port", "0", "--otlp-grpc-port", String.valueOf(freePort()));
            start.call();
            exercise("http://127.0.0.1:" + port);
        } finally {
            start.stop();
            deleteTree(dir);
        }
        return 0;
    }

    /** What a first session does: ingest over OTLP/HTTP, then the dashboard's first requests. */
    private static void exercise(String base) throws IOException, InterruptedException {
        String traceId;
        try (DemoWorkflows demo = new DemoWorkflows(base + "/v1/traces")) {
            traceId = demo.researchRun("How do TTA.dev primitives compose?", false);
            demo.sendTour(false);
            if (!demo.flush()) {
                throw new IOException("tta-obs train: the service did not accept the demo traces");
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        // ingest commits in the background; wait until the trace can be read
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (get(http, base + "/api/traces/" + traceId) != 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (String path : List.of("/", "/api/health", "/api/traces", "/api/traces?q=primitives", "/api/stats",
                "/api/services", "/api/operations", "/api/primitives", "/api/llm/usage", "/api/settings",
                "/api/metrics/names", "/api/traces/" + traceId + "/logs", "/api/traces/" + traceId + "/export")) {
            get(http, base + path);
        }
    }

    private static int get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
