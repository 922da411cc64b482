package dev.tta.obs.ports.in;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.UnixNanos;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.session.SessionSummary;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of a session row and of a feedback item (docs/api.md), as plain maps: the REST
 * API and the MCP tools answer with these same fields, so a script moving from one to the other
 * reads the same names.
 */
public final class JsonShapes {
    private JsonShapes() {
    }

    public static Map<String, Object> session(SessionSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", s.sessionId());
        m.put("userId", s.userId().orElse(null));
        m.put("traceCount", s.traceCount());
        timeRange(m, s.startTimeUnixNano(), s.endTimeUnixNano());
        m.put("inputTokens", s.inputTokens());
        m.put("outputTokens", s.outputTokens());
        m.put("costUsd", s.costUsd().orElse(null));
        m.put("errorCount", s.errorCount());
        // the worst turn's outcome: failed, recovered or ok, as a trace's
        m.put("status", s.status().label());
        return m;
    }

    public static Map<String, Object> feedback(Feedback f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("traceId", f.traceId().hex());
        m.put("spanId", f.spanId().map(SpanId::hex).orElse(null));
        m.put("name", f.name());
        m.put("score", f.score().orElse(null));
        m.put("label", f.label().orElse(null));
        m.put("comment", f.comment().orElse(null));
        m.put("source", f.source());
        m.put("polarity", f.polarity().label());
        m.put("createdAt", instant(f.createdAtUnixNano()));
        m.put("createdAtUnixNano", nanos(f.createdAtUnixNano()));
        return m;
    }

    public static List<Object> feedback(List<Feedback> items) {
        List<Object> out = new ArrayList<>(items.size());
        items.forEach(f -> out.add(feedback(f)));
        return out;
    }

    /**
     * A time range as every shape writes one: {@code startTimeUnixNano}, {@code endTimeUnixNano}
     * and its length, {@code durationMs} (zero when the end precedes the start).
     */
    public static void timeRange(Map<String, Object> m, long startUnixNano, long endUnixNano) {
        m.put("startTimeUnixNano", nanos(startUnixNano));
        m.put("endTimeUnixNano", nanos(endUnixNano));
        m.put("durationMs", UnixNanos.between(startUnixNano, endUnixNano) / 1_000_000.0);
    }

    /** Unix nanoseconds are unsigned: one past 2^63 is written as the big number it is, not negative. */
    public static Object nanos(long unixNano) {
        return unixNano >= 0 ? (Object) unixNano : new BigInteger(Long.toUnsignedString(unixNano));
    }

    private static String instant(long unixNano) {
        return Instant.ofEpochSecond(Math.floorDiv(unixNano, 1_000_000_000L), Math.floorMod(unixNano, 1_000_000_000L))
                .toString();
    }
}
