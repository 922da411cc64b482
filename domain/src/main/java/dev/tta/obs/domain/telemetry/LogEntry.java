package dev.tta.obs.domain.telemetry;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;

import java.util.Objects;
import java.util.Optional;

/** One OTLP log record, with the trace and span it was written in when the SDK knew them. */
public record LogEntry(long timeUnixNano, long observedTimeUnixNano, int severityNumber, String severityText,
                       Optional<AttributeValue> body, Attributes attributes, int droppedAttributesCount,
                       Optional<TraceId> traceId, Optional<SpanId> spanId, int flags, String eventName,
                       Resource resource, InstrumentationScope scope) {
    public LogEntry {
        severityText = severityText == null ? "" : severityText;
        eventName = eventName == null ? "" : eventName;
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scope, "scope");
    }
}
