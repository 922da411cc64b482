package dev.tta.obs.domain.feedback;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;

import java.util.Objects;
import java.util.Optional;

/**
 * Feedback to store. Built through {@link #of}, which says in one line what is wrong with bad input.
 *
 * @param origin for feedback read from a span's event: a key unique within the trace (span id,
 *               event time, name), so a span exported twice adds it once; empty for the API's
 */
public record NewFeedback(TraceId traceId, Optional<SpanId> spanId, String name, Optional<Double> score,
                          Optional<String> label, Optional<String> comment, String source, Optional<String> origin) {
    public static final int MAX_NAME = 200;
    public static final int MAX_LABEL = 200;
    public static final int MAX_SOURCE = 100;
    public static final int MAX_COMMENT = 10_000;
    public static final String DEFAULT_SOURCE = "api";

    public NewFeedback {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * Validated feedback; blank strings count as absent.
     *
     * @throws IllegalArgumentException with a one-line message for a missing name, neither score nor
     *                                  label, a score that is not a finite number, or a value too long
     */
    public static NewFeedback of(TraceId traceId, Optional<SpanId> spanId, String name, Optional<Double> score,
                                 Optional<String> label, Optional<String> comment, Optional<String> source) {
        return of(traceId, spanId, name, score, label, comment, source, Optional.empty());
    }

    public static NewFeedback of(TraceId traceId, Optional<SpanId> spanId, String name, Optional<Double> score,
                                 Optional<String> label, Optional<String> comment, Optional<String> source,
                                 Optional<String> origin) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty()) {
            throw new IllegalArgumentException("feedback needs a name, e.g. \"user-rating\" or \"correctness\"");
        }
        limit("name", n, MAX_NAME);
        Optional<String> l = nonBlank(label);
        Optional<String> c = nonBlank(comment);
        Optional<String> s = nonBlank(source);
        if (score.isEmpty() && l.isEmpty()) {
            throw new IllegalArgumentException("feedback needs a score or a label (or both)");
        }
        if (score.isPresent() && (score.get().isNaN() || score.get().isInfinite())) {
            throw new IllegalArgumentException("score must be a finite number, got " + score.get());
        }
        l.ifPresent(v -> limit("label", v, MAX_LABEL));
        c.ifPresent(v -> limit("comment", v, MAX_COMMENT));
        s.ifPresent(v -> limit("source", v, MAX_SOURCE));
        return new NewFeedback(traceId, spanId, n, score, l, c, s.orElse(DEFAULT_SOURCE), origin);
    }

    private static Optional<String> nonBlank(Optional<String> v) {
        return v == null ? Optional.empty() : v.map(String::trim).filter(x -> !x.isEmpty());
    }

    private static void limit(String what, String value, int max) {
        if (value.length() > max) {
            throw new IllegalArgumentException(what + " is longer than " + max + " characters (" + value.length() + ")");
        }
    }

    public FeedbackPolarity polarity() {
        return FeedbackPolarity.of(score, label);
    }

    /** As stored, with the store's id and time. */
    public Feedback stored(long id, long createdAtUnixNano) {
        return new Feedback(id, traceId, spanId, name, score, label, comment, source, createdAtUnixNano,
                origin.map(EvaluationEvents::onItsSpan).orElse(false));
    }
}
