package dev.tta.obs.domain.feedback;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;

import java.util.Objects;
import java.util.Optional;

/**
 * A judgement of a run, or of one of its spans, as stored: a person's thumbs up or down, an
 * evaluator's score, a comment.
 *
 * @param id                 the store's id, unique and never reused
 * @param spanId             the span judged; empty when the whole trace is
 * @param source             who judged: {@code api} unless the client says, {@code dashboard}, {@code otlp}
 *                           for a GenAI evaluation event
 * @param fromSpanEvent      read from a {@code gen_ai.evaluation.result} event the span carries, so an
 *                           export already holds it
 */
public record Feedback(long id, TraceId traceId, Optional<SpanId> spanId, String name, Optional<Double> score,
                       Optional<String> label, Optional<String> comment, String source, long createdAtUnixNano,
                       boolean fromSpanEvent) {
    public Feedback {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(source, "source");
    }

    /** Whether it approves or disapproves of the run; see {@link FeedbackPolarity#of}. */
    public FeedbackPolarity polarity() {
        return FeedbackPolarity.of(score, label);
    }
}
