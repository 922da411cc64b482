package dev.tta.obs.domain.query;

import dev.tta.obs.domain.RunOutcome;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A trace search. Every filter is optional and they all must hold; {@code cursor} continues a
 * previous page of the same search (same filters, same sort).
 *
 * @param text          free text: every word must start a word of a span name, a service name or
 *                      an attribute value somewhere in the trace
 * @param spanName      a span of the trace (root or not) has exactly this name
 * @param attributes    {@code key=value} matches, compared with the value's text form; all must hold
 *                      on one and the same span
 * @param primitive     the trace used this primitive type (e.g. {@code retry})
 * @param model         an LLM span of the trace asked for or answered with this model
 * @param regressionsOnly only traces flagged as regressions (a flag the domain supplies)
 * @param limit         at most this many summaries, 1..1000
 * @param rootName      the trace's root span name (the name it is listed by), exact
 * @param errorsOnly    only runs that failed ({@link RunOutcome#FAILED}); a run that recovered from
 *                      its errors is not one
 * @param status        by span status: {@code ERROR} when any span failed, whether or not the run
 *                      recovered
 * @param outcome       how the run ended: ok, recovered or failed
 * @param feedback      by the feedback the trace got (any, none, positive, negative, or of a name)
 * @param scoreBelow    a feedback score of the trace (of the {@code feedback} name, when one is given)
 *                      is below this
 * @param scoreAbove    likewise above this; with {@code scoreBelow}, one score must be in between
 */
public record TraceSearch(
        Optional<String> serviceName,
        Optional<String> text,
        Optional<Long> startFromUnixNano,
        Optional<Long> startToUnixNano,
        boolean errorsOnly,
        int limit,
        Optional<TraceCursor> cursor,
        Optional<String> spanName,
        Optional<TraceStatusFilter> status,
        Optional<Double> minDurationMs,
        Optional<Double> maxDurationMs,
        List<AttributeMatch> attributes,
        Optional<String> primitive,
        Optional<String> model,
        boolean regressionsOnly,
        Optional<Double> minCostUsd,
        TraceSort sort,
        Optional<String> rootName,
        Optional<RunOutcome> outcome,
        Optional<FeedbackFilter> feedback,
        Optional<Double> scoreBelow,
        Optional<Double> scoreAbove) {

    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 50;

    public TraceSearch {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        Objects.requireNonNull(spanName, "spanName");
        Objects.requireNonNull(status, "status");
        attributes = List.copyOf(attributes);
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(rootName, "rootName");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(scoreBelow, "scoreBelow");
        Objects.requireNonNull(scoreAbove, "scoreAbove");
        scoreBelow.ifPresent(v -> requireFinite("scoreBelow", v));
        scoreAbove.ifPresent(v -> requireFinite("scoreAbove", v));
        if (feedback.map(f -> f.kind() == FeedbackFilter.Kind.NONE).orElse(false)
                && (scoreBelow.isPresent() || scoreAbove.isPresent())) {
            throw new IllegalArgumentException("feedback=none cannot go with a score filter");
        }
        minDurationMs.ifPresent(v -> requireNonNegative("minDurationMs", v));
        maxDurationMs.ifPresent(v -> requireNonNegative("maxDurationMs", v));
        minCostUsd.ifPresent(v -> requireNonNegative("minCostUsd", v));
    }

    /** The filters of the walking skeleton; everything added since is left open. */
    public TraceSearch(Optional<String> serviceName, Optional<String> text, Optional<Long> startFromUnixNano,
                       Optional<Long> startToUnixNano, boolean errorsOnly, int limit, Optional<TraceCursor> cursor) {
        this(serviceName, text, startFromUnixNano, startToUnixNano, errorsOnly, limit, cursor, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                false, Optional.empty(), TraceSort.NEWEST, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Every filter up to the run's outcome; the feedback filters are left open. */
    public TraceSearch(Optional<String> serviceName, Optional<String> text, Optional<Long> startFromUnixNano,
                       Optional<Long> startToUnixNano, boolean errorsOnly, int limit, Optional<TraceCursor> cursor,
                       Optional<String> spanName, Optional<TraceStatusFilter> status, Optional<Double> minDurationMs,
                       Optional<Double> maxDurationMs, List<AttributeMatch> attributes, Optional<String> primitive,
                       Optional<String> model, boolean regressionsOnly, Optional<Double> minCostUsd, TraceSort sort,
                       Optional<String> rootName, Optional<RunOutcome> outcome) {
        this(serviceName, text, startFromUnixNano, startToUnixNano, errorsOnly, limit, cursor, spanName, status,
                minDurationMs, maxDurationMs, attributes, primitive, model, regressionsOnly, minCostUsd, sort,
                rootName, outcome, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void requireFinite(String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + v);
        }
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a number >= 0, got " + v);
        }
    }

    public static TraceSearch newest(int limit) {
        return builder().limit(limit).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.serviceName = serviceName;
        b.text = text;
        b.startFrom = startFromUnixNano;
        b.startTo = startToUnixNano;
        b.errorsOnly = errorsOnly;
        b.limit = limit;
        b.cursor = cursor;
        b.spanName = spanName;
        b.status = status;
        b.minDurationMs = minDurationMs;
        b.maxDurationMs = maxDurationMs;
        b.attributes = attributes;
        b.primitive = primitive;
        b.model = model;
        b.regressionsOnly = regressionsOnly;
        b.minCostUsd = minCostUsd;
        b.sort = sort;
        b.rootName = rootName;
        b.outcome = outcome;
        b.feedback = feedback;
        b.scoreBelow = scoreBelow;
        b.scoreAbove = scoreAbove;
        return b;
    }

    /** {@code key=value}; the value is compared with the attribute's text form ({@code 500}, {@code true}). */
    public record AttributeMatch(String key, String value) {
        public AttributeMatch {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("an attribute filter needs a key: key=value");
            }
        }

        public static AttributeMatch parse(String keyEqualsValue) {
            int eq = keyEqualsValue.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("attribute filter must be key=value, got '" + keyEqualsValue + "'");
            }
            return new AttributeMatch(keyEqualsValue.substring(0, eq), keyEqualsValue.substring(eq + 1));
        }
    }

    public static final class Builder {
        private Optional<String> serviceName = Optional.empty();
        private Optional<String> text = Optional.empty();
        private Optional<Long> startFrom = Optional.empty();
        private Optional<Long> startTo = Optional.empty();
        private boolean errorsOnly;
        private int limit = DEFAULT_LIMIT;
        private Optional<TraceCursor> cursor = Optional.empty();
        private Optional<String> spanName = Optional.empty();
        private Optional<TraceStatusFilter> status = Optional.empty();
        private Optional<Double> minDurationMs = Optional.empty();
        private Optional<Double> maxDurationMs = Optional.empty();
        private List<AttributeMatch> attributes = List.of();
        private Optional<String> primitive = Optional.empty();
        private Optional<String> model = Optional.empty();
        private boolean regressionsOnly;
        private Optional<Double> minCostUsd = Optional.empty();
        private TraceSort sort = TraceSort.NEWEST;
        private Optional<String> rootName = Optional.empty();
        private Optional<RunOutcome> outcome = Optional.empty();
        private Optional<FeedbackFilter> feedback = Optional.empty();
        private Optional<Double> scoreBelow = Optional.empty();
        private Optional<Double> scoreAbove = Optional.empty();

        private Builder() {
        }

        public Builder serviceName(String v) { serviceName = Optional.of(v); return this; }
        public Builder text(String v) { text = Optional.of(v); return this; }
        public Builder startFrom(long v) { startFrom = Optional.of(v); return this; }
        public Builder startTo(long v) { startTo = Optional.of(v); return this; }
        public Builder errorsOnly(boolean v) { errorsOnly = v; return this; }
        public Builder limit(int v) { limit = v; return this; }
        public Builder cursor(Optional<TraceCursor> v) { cursor = v; return this; }
        public Builder spanName(String v) { spanName = Optional.of(v); return this; }
        public Builder status(TraceStatusFilter v) { status = Optional.of(v); return this; }
        public Builder minDurationMs(double v) { minDurationMs = Optional.of(v); return this; }
        public Builder maxDurationMs(double v) { maxDurationMs = Optional.of(v); return this; }
        public Builder attributes(List<AttributeMatch> v) { attributes = List.copyOf(v); return this; }
        public Builder attribute(String key, String value) {
            List<AttributeMatch> all = new java.util.ArrayList<>(attributes);
            all.add(new AttributeMatch(key, value));
            attributes = all;
            return this;
        }
        public Builder primitive(String v) { primitive = Optional.of(v); return this; }
        public Builder model(String v) { model = Optional.of(v); return this; }
        public Builder regressionsOnly(boolean v) { regressionsOnly = v; return this; }
        public Builder minCostUsd(double v) { minCostUsd = Optional.of(v); return this; }
        public Builder sort(TraceSort v) { sort = v; return this; }
        public Builder rootName(String v) { rootName = Optional.of(v); return this; }
        public Builder outcome(RunOutcome v) { outcome = Optional.of(v); return this; }
        public Builder feedback(FeedbackFilter v) { feedback = Optional.of(v); return this; }
        public Builder scoreBelow(double v) { scoreBelow = Optional.of(v); return this; }
        public Builder scoreAbove(double v) { scoreAbove = Optional.of(v); return this; }

        public TraceSearch build() {
            return new TraceSearch(serviceName, text, startFrom, startTo, errorsOnly, limit, cursor, spanName, status,
                    minDurationMs, maxDurationMs, attributes, primitive, model, regressionsOnly, minCostUsd, sort,
                    rootName, outcome, feedback, scoreBelow, scoreAbove);
        }
    }
}
