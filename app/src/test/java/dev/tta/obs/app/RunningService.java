package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A real tta-obs started the way `tta-obs start` starts it, on free ports and a temp data dir. */
final class RunningService implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final int port;
    final Path dataDir;
    final String startupLine;
    private final ApplicationContext context;
    private final HttpClient http = HttpClient.newHttpClient();

    RunningService(Path dataDir, String... extraArgs) {
        this.port = freePort();
        this.dataDir = dataDir;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StartCommand start = new StartCommand(new PrintStream(captured, true));
        // the OTLP ports off unless a test asks for them: the defaults 4318 and 4317 may be a developer's Collector;
        // retention off unless a test asks for it: fixtures start in January and would be evicted
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--port=" + port,
                "--data-dir=" + dataDir, "--host=127.0.0.1"));
        java.util.Map<String, String> defaults = java.util.Map.of("--otlp-http-port", "0", "--otlp-grpc-port", "0",
                "--max-traces", "0", "--retention", "0");
        defaults.forEach((flag, value) -> {
            if (java.util.Arrays.stream(extraArgs).noneMatch(a -> a.startsWith(flag))) {
                args.add(flag + "=" + value);
            }
        });
        args.addAll(java.util.List.of(extraArgs));
        new picocli.CommandLine(start).parseArgs(args.toArray(String[]::new));
        this.context = start.start(dataDir);
        this.startupLine = captured.toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url(path)));
    }

    /** Posts an OTLP/HTTP protobuf export and insists it was acknowledged. */
    void export(byte[] otlp) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", otlp);
        if (r.statusCode() != 200) {
            throw new AssertionError("export answered " + r.statusCode());
        }
    }

    HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        context.close();
    }
}
