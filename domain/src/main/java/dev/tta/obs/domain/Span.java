package dev.tta.obs.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One span as OpenTelemetry records it, with the resource and scope it came from. Times are unix
 * nanoseconds. Dropped counts say what the exporter, or our own limits, cut off, so the user can
 * see that data is missing instead of trusting a partial picture.
 */
public record Span(
        TraceId traceId,
        SpanId spanId,
        Optional<SpanId> parentSpanId,
        String traceState,
        String name,
        SpanKind kind,
        long startTimeUnixNano,
        long endTimeUnixNano,
        Attributes attributes,
        int droppedAttributesCount,
        List<SpanEvent> events,
        int droppedEventsCount,
        List<SpanLink> links,
        int droppedLinksCount,
        SpanStatus status,
        Resource resource,
        InstrumentationScope scope,
        int flags) {

    public Span {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(parentSpanId, "parentSpanId");
        traceState = traceState == null ? "" : traceState;
        name = name == null ? "" : name;
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(attributes, "attributes");
        events = List.copyOf(events);
        links = List.copyOf(links);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scope, "scope");
    }

    public static SpanBuilder builder(TraceId traceId, SpanId spanId) {
        return new SpanBuilder(traceId, spanId);
    }

    public SpanBuilder toBuilder() {
        return new SpanBuilder(this);
    }

    /** Never negative: a span whose end precedes its start (clock skew, a buggy SDK) lasts zero. */
    public long durationNanos() {
        return UnixNanos.between(startTimeUnixNano, endTimeUnixNano);
    }

    public boolean isError() {
        return status.isError();
    }

    /**
     * The span ended in error by any convention: status ERROR, or a TTA.dev primitive that set
     * {@code primitive.status=error} without setting the status.
     */
    public boolean failed() {
        return status.isError() || attributes.getString("primitive.status")
                .map(v -> v.trim().equalsIgnoreCase("error")).orElse(false);
    }

    /** An exception left this span's code: the span failed, or recorded an exception marked as escaping. */
    public boolean errorEscaped() {
        if (failed()) {
            return true;
        }
        for (SpanEvent e : events) {
            if (e.isException() && e.attributes().getBoolean("exception.escaped").orElse(false)) {
                return true;
            }
        }
        return false;
    }

    public String serviceName() {
        return resource.serviceName();
    }
}
