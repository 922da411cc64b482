package dev.tta.obs.adapters.otlp;

import com.google.protobuf.ByteString;
import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanBuilder;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.SpanStatus;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Maps an OTLP trace export to domain spans. A span that breaks the data model (an id of the
 * wrong length, say) is rejected on its own and counted, as OTLP's partial success allows; the
 * rest of the request is kept.
 */
public final class OtlpSpanMapper {

    /** The spans accepted and, for partial success, how many were rejected and why (first reason). */
    public record Mapped(SpanBatch batch, long rejected, String firstError) {
    }

    private OtlpSpanMapper() {
    }

    public static Mapped map(ExportTraceServiceRequest request) {
        List<Span> spans = new ArrayList<>();
        long rejected = 0;
        String firstError = "";
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Resource resource = new Resource(attributes(rs.getResource().getAttributesList()),
                    rs.getResource().getDroppedAttributesCount());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                var sc = ss.getScope();
                InstrumentationScope scope = new InstrumentationScope(sc.getName(), sc.getVersion(),
                        attributes(sc.getAttributesList()), sc.getDroppedAttributesCount());
                for (io.opentelemetry.proto.trace.v1.Span ps : ss.getSpansList()) {
                    try {
                        spans.add(span(ps, resource, scope));
                    } catch (InvalidTelemetryException e) {
                        rejected++;
                        if (firstError.isEmpty()) {
                            firstError = "span '" + ps.getName() + "': " + e.getMessage();
                        }
                    }
                }
            }
        }
        return new Mapped(new SpanBatch(spans), rejected, firstError);
    }

    private static Span span(io.opentelemetry.proto.trace.v1.Span ps, Resource resource, InstrumentationScope scope) {
        TraceId traceId = traceId(ps.getTraceId(), "trace_id");
        SpanBuilder b = Span.builder(traceId, spanId(ps.getSpanId(), "span_id"));
        if (!ps.getParentSpanId().isEmpty()) {
            b.parent(spanId(ps.getParentSpanId(), "parent_span_id"));
        }
        b.traceState(ps.getTraceState())
                .name(ps.getName())
                .kind(SpanKind.fromNumber(ps.getKindValue()))
                .start(ps.getStartTimeUnixNano())
                .end(ps.getEndTimeUnixNano())
                .attributes(attributes(ps.getAttributesList()))
                .droppedAttributes(ps.getDroppedAttributesCount())
                .droppedEvents(ps.getDroppedEventsCount())
                .droppedLinks(ps.getDroppedLinksCount())
                .status(new SpanStatus(StatusCode.fromNumber(ps.getStatus().getCodeValue()), ps.getStatus().getMessage()))
                .resource(resource)
                .scope(scope)
                .flags(ps.getFlags());
        for (var e : ps.getEventsList()) {
            b.addEvent(new SpanEvent(e.getTimeUnixNano(), e.getName(), attributes(e.getAttributesList()),
                    e.getDroppedAttributesCount()));
        }
        for (var l : ps.getLinksList()) {
            b.addLink(new SpanLink(traceId(l.getTraceId(), "link trace_id"), spanId(l.getSpanId(), "link span_id"),
                    l.getTraceState(), attributes(l.getAttributesList()), l.getDroppedAttributesCount()));
        }
        return b.build();
    }

    private static TraceId traceId(ByteString bytes, String field) {
        if (bytes.size() != TraceId.BYTES) {
            throw new InvalidTelemetryException(field + " must be 16 bytes, got " + bytes.size());
        }
        return TraceId.fromBytes(bytes.toByteArray());
    }

    private static SpanId spanId(ByteString bytes, String field) {
        if (bytes.size() != SpanId.BYTES) {
            throw new InvalidTelemetryException(field + " must be 8 bytes, got " + bytes.size());
        }
        return SpanId.fromBytes(bytes.toByteArray());
    }

    static Attributes attributes(List<KeyValue> kvs) {
        if (kvs.isEmpty()) {
            return Attributes.empty();
        }
        LinkedHashMap<String, AttributeValue> map = new LinkedHashMap<>(kvs.size() * 2);
        for (KeyValue kv : kvs) {
            map.put(kv.getKey(), value(kv.getValue()));
        }
        return Attributes.of(map);
    }

    static AttributeValue value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> new AttributeValue.StringValue(v.getStringValue());
            case BOOL_VALUE -> new AttributeValue.BoolValue(v.getBoolValue());
            case INT_VALUE -> new AttributeValue.LongValue(v.getIntValue());
            case DOUBLE_VALUE -> new AttributeValue.DoubleValue(v.getDoubleValue());
            case BYTES_VALUE -> new AttributeValue.BytesValue(v.getBytesValue().toByteArray());
            case ARRAY_VALUE -> {
                List<AttributeValue> values = new ArrayList<>(v.getArrayValue().getValuesCount());
                for (AnyValue e : v.getArrayValue().getValuesList()) {
                    values.add(value(e));
                }
                yield new AttributeValue.ArrayValue(values);
            }
            case KVLIST_VALUE -> new AttributeValue.MapValue(attributes(v.getKvlistValue().getValuesList()));
            // an empty AnyValue is OTLP's null; an empty string is the closest typed value we keep
            default -> new AttributeValue.StringValue("");
        };
    }
}
