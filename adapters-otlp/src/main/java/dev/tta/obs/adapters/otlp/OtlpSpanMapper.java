package dev.tta.obs.adapters.otlp;

import com.google.protobuf.ByteString;
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
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps an OTLP trace export to domain spans. A span that breaks the data model (an id of the
 * wrong length, say) is rejected on its own and counted, as OTLP's partial success allows; the
 * rest of the request is kept. Attributes are kept within {@link AttributeLimits}.
 */
public final class OtlpSpanMapper {

    /**
     * The spans accepted; for partial success, how many were rejected and why (first reason);
     * and what the attribute limits cut ({@code ""} when nothing).
     */
    public record Mapped(SpanBatch batch, long rejected, String firstError, String cuts) {
    }

    private OtlpSpanMapper() {
    }

    public static Mapped map(ExportTraceServiceRequest request) {
        return map(request, AttributeLimits.DEFAULT);
    }

    public static Mapped map(ExportTraceServiceRequest request, AttributeLimits limits) {
        AttributeLimiter limiter = new AttributeLimiter(limits);
        TraceIds traceIds = new TraceIds();
        List<Span> spans = new ArrayList<>();
        long rejected = 0;
        String firstError = "";
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Resource resource = resource(rs.getResource(), limiter);
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                InstrumentationScope scope = scope(ss.getScope(), limiter);
                for (io.opentelemetry.proto.trace.v1.Span ps : ss.getSpansList()) {
                    try {
                        spans.add(span(ps, resource, scope, limiter, traceIds));
                    } catch (InvalidTelemetryException e) {
                        rejected++;
                        if (firstError.isEmpty()) {
                            firstError = "span '" + ps.getName() + "': " + e.getMessage();
                        }
                    }
                }
            }
        }
        return new Mapped(new SpanBatch(spans), rejected, firstError, limiter.report());
    }

    static Resource resource(io.opentelemetry.proto.resource.v1.Resource r, AttributeLimiter limiter) {
        AttributeLimiter.Limited a = limiter.apply(r.getAttributesList());
        return new Resource(a.attributes(), r.getDroppedAttributesCount() + a.dropped());
    }

    static InstrumentationScope scope(io.opentelemetry.proto.common.v1.InstrumentationScope sc,
                                      AttributeLimiter limiter) {
        AttributeLimiter.Limited a = limiter.apply(sc.getAttributesList());
        return new InstrumentationScope(sc.getName(), sc.getVersion(), a.attributes(),
                sc.getDroppedAttributesCount() + a.dropped());
    }

    /**
     * SDKs send a trace's spans next to each other: the previous span's id is reused when the bytes
     * are the same, which saves hex-encoding it again and makes later grouping by trace compare
     * one instance.
     */
    private static final class TraceIds {
        private ByteString lastBytes;
        private TraceId last;

        TraceId of(ByteString bytes) {
            if (last == null || !bytes.equals(lastBytes)) {
                last = traceId(bytes, "trace_id");
                lastBytes = bytes;
            }
            return last;
        }
    }

    private static Span span(io.opentelemetry.proto.trace.v1.Span ps, Resource resource, InstrumentationScope scope,
                             AttributeLimiter limiter, TraceIds traceIds) {
        TraceId traceId = traceIds.of(ps.getTraceId());
        SpanBuilder b = Span.builder(traceId, spanId(ps.getSpanId(), "span_id"));
        if (!ps.getParentSpanId().isEmpty()) {
            b.parent(spanId(ps.getParentSpanId(), "parent_span_id"));
        }
        AttributeLimiter.Limited attributes = limiter.apply(ps.getAttributesList());
        b.traceState(ps.getTraceState())
                .name(ps.getName())
                .kind(SpanKind.fromNumber(ps.getKindValue()))
                .start(ps.getStartTimeUnixNano())
                .end(ps.getEndTimeUnixNano())
                .attributes(attributes.attributes())
                .droppedAttributes(ps.getDroppedAttributesCount() + attributes.dropped())
                .droppedEvents(ps.getDroppedEventsCount())
                .droppedLinks(ps.getDroppedLinksCount())
                .status(new SpanStatus(StatusCode.fromNumber(ps.getStatus().getCodeValue()), ps.getStatus().getMessage()))
                .resource(resource)
                .scope(scope)
                .flags(ps.getFlags());
        for (var e : ps.getEventsList()) {
            AttributeLimiter.Limited a = limiter.apply(e.getAttributesList());
            b.addEvent(new SpanEvent(e.getTimeUnixNano(), e.getName(), a.attributes(),
                    e.getDroppedAttributesCount() + a.dropped()));
        }
        for (var l : ps.getLinksList()) {
            AttributeLimiter.Limited a = limiter.apply(l.getAttributesList());
            b.addLink(new SpanLink(traceId(l.getTraceId(), "link trace_id"), spanId(l.getSpanId(), "link span_id"),
                    l.getTraceState(), a.attributes(), l.getDroppedAttributesCount() + a.dropped()));
        }
        return b.build();
    }

    static TraceId traceId(ByteString bytes, String field) {
        if (bytes.size() != TraceId.BYTES) {
            throw new InvalidTelemetryException(field + " must be 16 bytes, got " + bytes.size());
        }
        return TraceId.fromBytes(bytes.toByteArray());
    }

    static SpanId spanId(ByteString bytes, String field) {
        if (bytes.size() != SpanId.BYTES) {
            throw new InvalidTelemetryException(field + " must be 8 bytes, got " + bytes.size());
        }
        return SpanId.fromBytes(bytes.toByteArray());
    }
}
