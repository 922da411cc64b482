package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.session.SessionSummary;
import dev.tta.obs.domain.session.Turn;
import dev.tta.obs.ports.in.SessionDetail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of sessions and feedback (docs/api.md), built explicitly like {@link TraceJson}'s. */
final class SessionJson {
    private SessionJson() {
    }

    static Map<String, Object> session(SessionSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", s.sessionId());
        m.put("userId", s.userId().orElse(null));
        m.put("traceCount", s.traceCount());
        m.put("startTimeUnixNano", TraceJson.nanos(s.startTimeUnixNano()));
        m.put("endTimeUnixNano", TraceJson.nanos(s.endTimeUnixNano()));
        m.put("durationMs", s.durationMs());
        m.put("inputTokens", s.inputTokens());
        m.put("outputTokens", s.outputTokens());
        m.put("costUsd", s.costUsd().orElse(null));
        m.put("errorCount", s.errorCount());
        // the worst turn's outcome: failed, recovered or ok, as a trace's
        m.put("status", s.status().label());
        return m;
    }

    /** The session's fields, then its turns in order: each a trace summary with what was asked and answered. */
    static Map<String, Object> detail(SessionDetail d) {
        Map<String, Object> m = session(d.session());
        List<Object> traces = new ArrayList<>(d.turns().size());
        for (Turn t : d.turns()) {
            Map<String, Object> row = TraceJson.summary(t.summary());
            row.put("input", t.input().orElse(null));
            row.put("output", t.answer().orElse(null));
            row.put("tools", t.tools());
            row.put("feedback", feedback(d.feedback().getOrDefault(t.summary().traceId(), List.of())));
            traces.add(row);
        }
        m.put("traces", traces);
        return m;
    }

    static Map<String, Object> feedback(Feedback f) {
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
        m.put("createdAtUnixNano", TraceJson.nanos(f.createdAtUnixNano()));
        return m;
    }

    static List<Object> feedback(List<Feedback> items) {
        List<Object> out = new ArrayList<>(items.size());
        items.forEach(f -> out.add(feedback(f)));
        return out;
    }

    /** A page of trace rows gets each row's feedback (an empty list for none). */
    @SuppressWarnings("unchecked")
    static void addFeedback(List<Object> rows, Map<TraceId, List<Feedback>> feedback) {
        for (Object row : rows) {
            Map<String, Object> r = (Map<String, Object>) row;
            TraceId id = TraceId.of((String) r.get("traceId"));
            r.put("feedback", feedback(feedback.getOrDefault(id, List.of())));
        }
    }

    private static String instant(long unixNano) {
        return Instant.ofEpochSecond(Math.floorDiv(unixNano, 1_000_000_000L), Math.floorMod(unixNano, 1_000_000_000L))
                .toString();
    }
}
