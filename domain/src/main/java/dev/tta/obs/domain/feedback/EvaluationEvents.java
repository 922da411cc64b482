package dev.tta.obs.domain.feedback;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBuilder;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    /** {@code trace} on an event tta-obs wrote for feedback on the whole trace (it sits on the root span). */
    public static final String TARGET = "tta.feedback.target";
    private static final String SPAN_ORIGIN = "span/";
    private static final String LOG_ORIGIN = "log/";

    private EvaluationEvents() {
    }

    /** The feedback the spans' evaluation events carry, each keyed so that a resent span adds it once. */
    public static List<NewFeedback> from(TraceId traceId, Collection<Span> spans) {
        List<NewFeedback> out = new ArrayList<>();
        for (Span s : spans) {
            for (SpanEvent e : s.events()) {
                if (EVENT.equals(e.name())) {
                    of(SPAN_ORIGIN, traceId, Optional.of(s.spanId()), e.timeUnixNano(), e.attributes())
                            .ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /**
     * The trace with its feedback written as evaluation events, for an export: each on its span (on
     * the root, or the earliest span, when it is about the whole trace), with the comment as the
     * explanation and who gave it. Feedback read from such an event is on its span already.
     */
    public static Trace withFeedback(Trace trace, List<Feedback> feedback) {
        Map<SpanId, List<SpanEvent>> added = new HashMap<>();
        Optional<SpanId> root = trace.spans().stream().filter(s -> s.parentSpanId().isEmpty()).findFirst()
                .or(() -> trace.spans().stream().findFirst()).map(Span::spanId);
        Set<SpanId> present = new HashSet<>();
        trace.spans().forEach(s -> present.add(s.spanId()));
        for (Feedback f : feedback) {
            if (f.fromSpanEvent()) {
                continue;
            }
            Optional<SpanId> on = f.spanId().filter(present::contains).or(() -> root);
            if (on.isEmpty()) {
                continue;
            }
            Attributes.Builder a = Attributes.builder().put(NAME, f.name());
            f.score().ifPresent(v -> a.put(SCORE, v));
            f.label().ifPresent(v -> a.put(LABEL, v));
            f.comment().ifPresent(v -> a.put(EXPLANATION, v));
            a.put(SOURCE, f.source());
            if (f.spanId().isEmpty()) {
                a.put(TARGET, "trace");
            }
            added.computeIfAbsent(on.get(), k -> new ArrayList<>())
                    .add(new SpanEvent(f.createdAtUnixNano(), EVENT, a.build(), 0));
        }
        if (added.isEmpty()) {
            return trace;
        }
        List<Span> spans = new ArrayList<>(trace.spans().size());
        for (Span s : trace.spans()) {
            List<SpanEvent> more = added.get(s.spanId());
            if (more == null) {
                spans.add(s);
            } else {
                SpanBuilder b = s.toBuilder();
                more.forEach(b::addEvent);
                spans.add(b.build());
            }
        }
        return new Trace(trace.summary(), spans);
    }

    /** An evaluation sent as a log record (in {@code spanId}'s span, if it names one) as feedback, if it makes one. */
    public static Optional<NewFeedback> ofLogRecord(TraceId traceId, Optional<SpanId> spanId, long timeUnixNano,
                                                    Attributes a) {
        return of(LOG_ORIGIN, traceId, spanId, timeUnixNano, a);
    }

    /** Whether feedback with this origin was read from an event its span carries (so exports have it already). */
    public static boolean onItsSpan(String origin) {
        return origin.startsWith(SPAN_ORIGIN);
    }

    private static Optional<NewFeedback> of(String kind, TraceId traceId, Optional<SpanId> spanId, long timeUnixNano,
                                            Attributes a) {
        Optional<String> name = a.getString(NAME);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String origin = kind + spanId.map(SpanId::hex).orElse("-") + "/" + Long.toUnsignedString(timeUnixNano) + "/"
                + name.get();
        Optional<SpanId> target = a.getString(TARGET).filter("trace"::equals).isPresent() ? Optional.empty() : spanId;
        try {
            return Optional.of(NewFeedback.of(traceId, target, name.get(), a.getDouble(SCORE), a.getString(LABEL),
                    a.getString(EXPLANATION), Optional.of(a.getString(SOURCE).orElse(OTLP_SOURCE)),
                    Optional.of(origin)));
        } catch (IllegalArgumentException notFeedback) {
            return Optional.empty();
        }
    }
}
