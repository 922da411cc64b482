package dev.tta.obs.adapters.otlp;

import com.google.protobuf.ByteString;
import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.Trace;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Domain spans back to OTLP: the inverse of {@link OtlpSpanMapper}, for export. */
final class OtlpSpanEncoder {
    private OtlpSpanEncoder() {
    }

    /** One export request per trace, spans grouped by resource, then by scope, in trace order. */
    static ExportTraceServiceRequest request(Trace trace) {
        Map<Resource, Map<InstrumentationScope, ScopeSpans.Builder>> grouped = new LinkedHashMap<>();
        for (Span s : trace.spans()) {
            grouped.computeIfAbsent(s.resource(), r -> new LinkedHashMap<>())
                    .computeIfAbsent(s.scope(), sc -> ScopeSpans.newBuilder().setScope(
                            io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                                    .setName(sc.name()).setVersion(sc.version())
                                    .addAllAttributes(keyValues(sc.attributes()))
                                    .setDroppedAttributesCount(sc.droppedAttributesCount())))
                    .addSpans(span(s));
        }
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        grouped.forEach((resource, scopes) -> {
            ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(
                    io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                            .addAllAttributes(keyValues(resource.attributes()))
                            .setDroppedAttributesCount(resource.droppedAttributesCount()));
            scopes.values().forEach(rs::addScopeSpans);
            request.addResourceSpans(rs);
        });
        return request.build();
    }

    private static io.opentelemetry.proto.trace.v1.Span span(Span s) {
        io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.copyFrom(s.traceId().toBytes()))
                .setSpanId(ByteString.copyFrom(s.spanId().toBytes()))
                .setTraceState(s.traceState())
                .setName(s.name())
                .setKindValue(s.kind().number())
                .setStartTimeUnixNano(s.startTimeUnixNano())
                .setEndTimeUnixNano(s.endTimeUnixNano())
                .addAllAttributes(keyValues(s.attributes()))
                .setDroppedAttributesCount(s.droppedAttributesCount())
                .setDroppedEventsCount(s.droppedEventsCount())
                .setDroppedLinksCount(s.droppedLinksCount())
                .setFlags(s.flags())
                .setStatus(Status.newBuilder().setCodeValue(s.status().code().number()).setMessage(s.status().message()));
        s.parentSpanId().ifPresent(p -> b.setParentSpanId(ByteString.copyFrom(p.toBytes())));
        for (SpanEvent e : s.events()) {
            b.addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setTimeUnixNano(e.timeUnixNano())
                    .setName(e.name()).addAllAttributes(keyValues(e.attributes()))
                    .setDroppedAttributesCount(e.droppedAttributesCount()));
        }
        for (SpanLink l : s.links()) {
            b.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                    .setTraceId(ByteString.copyFrom(l.traceId().toBytes()))
                    .setSpanId(ByteString.copyFrom(l.spanId().toBytes()))
                    .setTraceState(l.traceState()).addAllAttributes(keyValues(l.attributes()))
                    .setDroppedAttributesCount(l.droppedAttributesCount()));
        }
        return b.build();
    }

    private static List<KeyValue> keyValues(Attributes attributes) {
        return attributes.asMap().entrySet().stream()
                .map(e -> KeyValue.newBuilder().setKey(e.getKey()).setValue(value(e.getValue())).build())
                .toList();
    }

    private static AnyValue value(AttributeValue v) {
        AnyValue.Builder b = AnyValue.newBuilder();
        if (v instanceof AttributeValue.StringValue s) {
            b.setStringValue(s.value());
        } else if (v instanceof AttributeValue.BoolValue bo) {
            b.setBoolValue(bo.value());
        } else if (v instanceof AttributeValue.LongValue l) {
            b.setIntValue(l.value());
        } else if (v instanceof AttributeValue.DoubleValue d) {
            b.setDoubleValue(d.value());
        } else if (v instanceof AttributeValue.BytesValue by) {
            b.setBytesValue(ByteString.copyFrom(by.value()));
        } else if (v instanceof AttributeValue.ArrayValue a) {
            ArrayValue.Builder arr = ArrayValue.newBuilder();
            a.values().forEach(e -> arr.addValues(value(e)));
            b.setArrayValue(arr);
        } else if (v instanceof AttributeValue.MapValue m) {
            b.setKvlistValue(KeyValueList.newBuilder().addAllValues(keyValues(m.values())));
        }
        return b.build();
    }
}
