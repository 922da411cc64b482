package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.tta.obs.app.OtlpRequests.service;
import static dev.tta.obs.app.OtlpRequests.traceHex;
import static org.assertj.core.api.Assertions.assertThat;

/** The WebSocket live feed with a real client, fed by real OTLP exports. */
class LiveFeedIT {
    @TempDir
    Path dataDir;
    RunningService service;
    WebSocket socket;
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        service = new RunningService(dataDir);
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + service.port + "/api/live"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                received.add(RunningService.JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        socket.abort();
        service.close();
    }

    private JsonNode nextTrace(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            JsonNode m = received.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (m != null && m.get("type").asText().equals("trace")) {
                return m;
            }
        }
        return null;
    }

    @Test
    void acknowledgedExport_reachesTheSocketPromptly_withStats() throws Exception {
        long sent = System.nanoTime();
        service.export(service("checkout").span(1, 0, -1, "live-run", 0, 10, false).bytes());
        JsonNode msg = nextTrace(2000);
        long ms = (System.nanoTime() - sent) / 1_000_000;
        assertThat(msg).as("a trace message").isNotNull();
        assertThat(msg.get("summary").get("traceId").asText()).isEqualTo(traceHex(1));
        assertThat(msg.get("summary").get("rootName").asText()).isEqualTo("live-run");
        assertThat(ms).as("ms from send to message").isLessThan(1000);

        boolean stats = false;
        long deadline = System.currentTimeMillis() + 3000;
        while (!stats && System.currentTimeMillis() < deadline) {
            JsonNode m = received.poll(200, TimeUnit.MILLISECONDS);
            stats = m != null && m.get("type").asText().equals("stats") && m.get("stats").get("traceCount").asLong() == 1;
        }
        assertThat(stats).as("a stats message counting the trace").isTrue();
    }

    @Test
    void subscribeFilter_limitsWhatTheClientGets() throws Exception {
        socket.sendText("{\"type\": \"subscribe\", \"filter\": {\"service\": \"agent\", \"errorsOnly\": true}}", true)
                .get(2, TimeUnit.SECONDS);
        Thread.sleep(100);
        service.export(service("checkout").span(1, 0, -1, "not-mine", 0, 10, true).bytes());
        service.export(service("agent").span(2, 0, -1, "fine", 0, 10, false).bytes());
        service.export(service("agent").span(3, 0, -1, "mine", 0, 10, true).bytes());
        JsonNode msg = nextTrace(2000);
        assertThat(msg).isNotNull();
        assertThat(msg.get("summary").get("rootName").asText()).isEqualTo("mine");
        assertThat(nextTrace(400)).as("nothing else").isNull();
    }

    @Test
    void burstOnOneTrace_isCoalesced_andEndsWithTheFullTrace() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            service.export(service("checkout").span(5, i, i == 0 ? -1 : 0, "s" + i, 0, 10 + i, false).bytes());
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        List<JsonNode> updates = new ArrayList<>();
        for (JsonNode m = nextTrace(600); m != null; m = nextTrace(400)) {
            updates.add(m);
        }
        assertThat(updates).isNotEmpty();
        assertThat(updates.size()).as("40 commits in %d ms", elapsedMs).isLessThanOrEqualTo((int) (elapsedMs / 100) + 3)
                .isLessThan(40);
        assertThat(updates.get(updates.size() - 1).get("summary").get("spanCount").asInt()).isEqualTo(40);
    }

    @Test
    void unknownMessage_isAnsweredWithAnError_andTheFeedKeepsGoing() throws Exception {
        socket.sendText("{\"type\": \"dance\"}", true).get(2, TimeUnit.SECONDS);
        JsonNode err = null;
        long deadline = System.currentTimeMillis() + 2000;
        while (err == null && System.currentTimeMillis() < deadline) {
            JsonNode m = received.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && m.get("type").asText().equals("error")) {
                err = m;
            }
        }
        assertThat(err).isNotNull();
        service.export(service("checkout").span(1, 0, -1, "still-live", 0, 10, false).bytes());
        assertThat(nextTrace(2000)).isNotNull();
    }
}
