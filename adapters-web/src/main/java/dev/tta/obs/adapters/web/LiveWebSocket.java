package dev.tta.obs.adapters.web;

import dev.tta.obs.ports.in.LiveEvent;
import dev.tta.obs.ports.in.LiveFilter;
import dev.tta.obs.ports.in.LiveSubscription;
import dev.tta.obs.ports.in.WatchTraces;
import io.micronaut.json.JsonMapper;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live feed: {@code ws://host:port/api/live}. Each client has one send in flight at a time;
 * while it is in flight, new events wait in the client's bounded subscription queue, so a slow
 * client costs a fixed amount of memory and is told with a "lagged" message what it missed.
 * (Host, Origin and token were checked on the upgrade request by {@link LocalhostGuard}.)
 */
@ServerWebSocket("/api/live")
public class LiveWebSocket {
    private static final QuietLog LOG = new QuietLog(LoggerFactory.getLogger(LiveWebSocket.class));
    private final WatchTraces watch;
    private final JsonMapper json;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    public LiveWebSocket(WatchTraces watch, JsonMapper json) {
        this.watch = watch;
        this.json = json;
    }

    private final class Client {
        final WebSocketSession session;
        final AtomicBoolean sending = new AtomicBoolean();
        volatile LiveSubscription subscription;

        Client(WebSocketSession session) {
            this.session = session;
        }

        void pump() {
            if (subscription == null) {
                // the feed may call before subscribe() has returned; open() pumps right after
                return;
            }
            while (sending.compareAndSet(false, true)) {
                Optional<LiveEvent> next = subscription.poll();
                if (next.isEmpty()) {
                    sending.set(false);
                    if (subscription.queued() == 0) {
                        return;
                    }
                    continue;
                }
                if (!session.isOpen()) {
                    subscription.close();
                    return;
                }
                session.sendAsync(encode(next.get())).whenComplete((ok, error) -> {
                    sending.set(false);
                    if (error != null) {
                        subscription.close();
                    } else {
                        pump();
                    }
                });
                return;
            }
        }
    }

    @OnOpen
    public void open(WebSocketSession session) {
        Client c = new Client(session);
        clients.put(session.getId(), c);
        c.subscription = watch.subscribe(LiveFilter.ALL, c::pump);
        c.pump();
    }

    @OnMessage
    public void message(String text, WebSocketSession session) {
        Client c = clients.get(session.getId());
        if (c == null) {
            return;
        }
        try {
            Map<?, ?> msg = json.readValue(text, Map.class);
            if (!"subscribe".equals(msg.get("type"))) {
                reply(session, "unknown message type '" + msg.get("type") + "'; send {\"type\": \"subscribe\", \"filter\": {...}}");
                return;
            }
            Object f = msg.get("filter");
            Map<?, ?> filter = f instanceof Map<?, ?> m ? m : Map.of();
            Object errorsOnly = filter.get("errorsOnly");
            if (errorsOnly != null && !(errorsOnly instanceof Boolean)) {
                // read as false, the client would see every trace while asking for failed ones
                reply(session, "filter.errorsOnly must be true or false, got " + json.writeValueAsString(errorsOnly));
                return;
            }
            c.subscription.filter(new LiveFilter(text(filter.get("service")),
                    Boolean.TRUE.equals(filter.get("errorsOnly")), text(filter.get("q"))));
        } catch (IOException | RuntimeException e) {
            reply(session, "could not read the message as JSON: " + e.getMessage());
        }
    }

    private static Optional<String> text(Object v) {
        return v instanceof String s && !s.isBlank() ? Optional.of(s.trim()) : Optional.empty();
    }

    private void reply(WebSocketSession session, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "error");
        m.put("detail", detail);
        session.sendAsync(write(m));
    }

    /**
     * A client's fault (a message past the frame limit, a broken frame): the server closes the
     * socket with the reason; the log gets one line, not Micronaut's stack trace for each.
     */
    @OnError
    public void error(WebSocketSession session, Throwable error) {
        LOG.warn(error.getClass().getName(), "live feed: closed a WebSocket: " + error.getClass().getSimpleName()
                + " " + error.getMessage());
        close(session);
    }

    @OnClose
    public void close(WebSocketSession session) {
        Client c = clients.remove(session.getId());
        if (c != null && c.subscription != null) {
            c.subscription.close();
        }
    }

    private String encode(LiveEvent event) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (event instanceof LiveEvent.TraceChanged t) {
            m.put("type", "trace");
            m.put("summary", TraceJson.summary(t.summary()));
        } else if (event instanceof LiveEvent.StatsChanged s) {
            m.put("type", "stats");
            m.put("stats", TraceJson.stats(s.stats()));
        } else if (event instanceof LiveEvent.BudgetChanged b) {
            m.put("type", "budget");
            m.put("budget", TraceJson.budget(b.budget()));
        } else if (event instanceof LiveEvent.FeedbackChanged f) {
            m.put("type", "feedback");
            m.put("traceId", f.traceId().hex());
            m.put("feedback", SessionJson.feedback(f.feedback()));
        } else if (event instanceof LiveEvent.Lagged l) {
            m.put("type", "lagged");
            m.put("missed", l.missed());
        }
        return write(m);
    }

    private String write(Map<String, Object> m) {
        try {
            return json.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode a live message", e);
        }
    }
}
