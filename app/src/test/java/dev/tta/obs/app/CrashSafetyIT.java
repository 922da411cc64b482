package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing acknowledged is ever lost: the server is killed with SIGKILL in the middle of sustained
 * ingest, several times; after each restart every trace whose export was answered 200 is there whole.
 */
class CrashSafetyIT {
    private static final int ROUNDS = 3;
    private static final int SPANS_PER_TRACE = 5;
    private static final int TRACES_PER_REQUEST = 20;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @org.junit.jupiter.api.Tag("faults")
    @Test
    void sigkillDuringIngest_losesNoAcknowledgedSpan() throws Exception {
        Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger requestNumber = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            int port = RunningService.freePort();
            Process server = start(port);
            try {
                waitForHealth(port, server);
                verify(port, acknowledged);
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> senders = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    Thread t = new Thread(() -> {
                        while (!stop.get()) {
                            int r = requestNumber.incrementAndGet();
                            List<String> ids = new ArrayList<>();
                            byte[] body = request(r, ids);
                            try {
                                HttpResponse<Void> resp = http.send(HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/v1/traces"))
                                        .header("Content-Type", "application/x-protobuf")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                        HttpResponse.BodyHandlers.discarding());
                                if (resp.statusCode() == 200) {
                                    ids.forEach(id -> acknowledged.put(id, true));
                                }
                            } catch (IOException e) {
                                return; // the server died under us: that request was never acknowledged
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    t.start();
                    senders.add(t);
                }
                Thread.sleep(1500);
                server.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint
                server.waitFor();
                stop.set(true);
                for (Thread t : senders) {
                    t.join(10_000);
                }
            } finally {
                server.destroyForcibly();
            }
        }
        assertThat(acknowledged).hasSizeGreaterThan(100);
        int port = RunningService.freePort();
        Process server = start(port);
        try {
            waitForHealth(port, server);
            verify(port, acknowledged);
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private Process start(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TtaObs.class.getName(), "start",
                "--port=" + port, "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dataDir,
                // every acknowledged trace must stay: retention must not be what removes one
                "--max-traces=0", "--retention=0")
                .redirectErrorStream(true).redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile())
                .start();
    }

    /** Pages through the trace list: every acknowledged trace must be there with all its spans. */
    private void verify(int port, Map<String, Boolean> acknowledged) throws Exception {
        Map<String, Integer> stored = new java.util.HashMap<>();
        String cursor = null;
        do {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/traces?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode page = RunningService.JSON.readTree(r.body());
            page.get("traces").forEach(t -> stored.put(t.get("traceId").asText(), t.get("spanCount").asInt()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        for (String id : acknowledged.keySet()) {
            assertThat(stored.get(id)).as("span count of acknowledged trace %s after a crash", id)
                    .isEqualTo(SPANS_PER_TRACE);
        }
    }

    private void waitForHealth(int port, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server running").isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("server not healthy within 60 s");
    }

    private static byte[] request(int r, List<String> ids) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int t = 0; t < TRACES_PER_REQUEST; t++) {
            byte[] traceId = ByteBuffer.allocate(16).putLong(0xc4a5400000000000L | r).putLong(t + 1L).array();
            ids.add(HexFormat.of().formatHex(traceId));
            for (int s = 0; s < SPANS_PER_TRACE; s++) {
                Span.Builder span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
                        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putInt(t + 1).putInt(s + 1).array()))
                        .setName("s" + s).setStartTimeUnixNano(now).setEndTimeUnixNano(now + 1000)
                        .addAttributes(KeyValue.newBuilder().setKey("r").setValue(AnyValue.newBuilder().setIntValue(r)));
                if (s > 0) {
                    span.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putInt(t + 1).putInt(1).array()));
                }
                scope.addSpans(span);
            }
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("crash-test"))))
                .addScopeSpans(scope)).build().toByteArray();
    }
}
