package dev.tta.obs.domain.feedback;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The GenAI semantic conventions' evaluation results ({@code gen_ai.evaluation.result}, on a span
 * or as a log record in one) as feedback. One without a name or without a score and a label is not
 * feedback and is skipped: it stays an ordinary event on its span.
 */
public final class EvaluationEvents {
    public static final String EVENT = "gen_ai.evaluation.result";
    public static final String NAME = "gen_ai.evaluation.name";
    public static final String SCORE = "gen_ai.evaluation.score.value";
    public static final String LABEL = "gen_ai.evaluation.score.label";
    public static final String EXPLANATION = "gen_ai.evaluation.explanation";
    /** Who judged, on an event tta-obs wrote into an export (feedback given through the API or dashboard). */
    public static final String SOURCE = "tta.feedback.source";
    public static final String OTLP_SOURCE = "otlp";

    private EvaluationEvents() {
    }

    /** The feedback the spans' evaluation events carry, each keyed so that a resent span adds it once. */
    public static List<NewFeedback> from(TraceId traceId, Collection<Span> spans) {
        List<NewFeedback> out = new ArrayList<>();
        for (Span s : spans) {
            for (SpanEvent e : s.events()) {
                if (EVENT.equals(e.name())) {
                    of(traceId, Optional.of(s.spanId()), e.timeUnixNano(), e.attributes()).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** One event's (or log record's) attributes as feedback, if they make one. */
    public static Optional<NewFeedback> of(TraceId traceId, Optional<SpanId> spanId, long timeUnixNano,
                                           Attributes a) {
        Optional<String> name = a.getString(NAME);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String origin = spanId.map(SpanId::hex).orElse("-") + "/" + Long.toUnsignedString(timeUnixNano) + "/"
                + name.get();
        try {
            return Optional.of(NewFeedback.of(traceId, spanId, name.get(), a.getDouble(SCORE), a.getString(LABEL),
                    a.getString(EXPLANATION), Optional.of(a.getString(SOURCE).orElse(OTLP_SOURCE)),
                    Optional.of(origin)));
        } catch (IllegalArgumentException notFeedback) {
            return Optional.empty();
        }
    }
}
