package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's) on a tta-obs's live feed ({@code /api/live}): keeps every
 * message in order, and the trace ids of the trace messages, for tests to wait on.
 */
final class LiveFeedClient implements AutoCloseable {
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final Set<String> traceIds = ConcurrentHashMap.newKeySet();
    private final WebSocket socket;

    LiveFeedClient(RunningService service) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + service.port + "/api/live"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                JsonNode m = RunningService.JSON.readTree(partial.toString());
                                if (m.get("type").asText().equals("trace")) {
                                    traceIds.add(m.get("summary").get("traceId").asText());
                                }
                                received.add(m);
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

    /** The next message of this type within the time, skipping (and dropping) others; null if none came. */
    JsonNode next(String type, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            JsonNode m = received.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (m != null && m.get("type").asText().equals(type)) {
                return m;
            }
        }
        return null;
    }

    /** The ids of the traces the feed has told of so far. */
    Set<String> traceIds() {
        return traceIds;
    }

    void send(String message) throws Exception {
        socket.sendText(message, true).get(2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
