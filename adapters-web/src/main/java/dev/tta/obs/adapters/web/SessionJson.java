package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.session.SessionSummary;
import dev.tta.obs.domain.session.Turn;
import dev.tta.obs.ports.in.JsonShapes;
import dev.tta.obs.ports.in.SessionDetail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of sessions and feedback (docs/api.md); a session row and a feedback item are {@link JsonShapes}'. */
final class SessionJson {
    private SessionJson() {
    }

    static Map<String, Object> session(SessionSummary s) {
        return JsonShapes.session(s);
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
        return JsonShapes.feedback(f);
    }

    static List<Object> feedback(List<Feedback> items) {
        return JsonShapes.feedback(items);
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
}
