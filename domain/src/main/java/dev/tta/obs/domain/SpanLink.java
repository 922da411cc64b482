package dev.tta.obs.domain;

import java.util.Objects;

public record SpanLink(TraceId traceId, SpanId spanId, String traceState, Attributes attributes,
                       int droppedAttributesCount) {
    public SpanLink {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        traceState = traceState == null ? "" : traceState;
        Objects.requireNonNull(attributes, "attributes");
    }
}
