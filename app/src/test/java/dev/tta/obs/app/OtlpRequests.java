package dev.tta.obs.app;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.HexFormat;

/** OTLP/HTTP protobuf export requests built by hand, so tests control every id, time and attribute. */
final class OtlpRequests {
    static final long T0 = 1_767_225_600_000_000_000L;
    static final long MS = 1_000_000L;

    private OtlpRequests() {
    }

    static String traceHex(int n) {
        return String.format("%032x", 0xabc000L + n);
    }

    static String spanHex(int trace, int span) {
        return String.format("%08x%08x", trace, span + 1);
    }

    static final class Builder {
        private final ResourceSpans.Builder resource;
        private final ScopeSpans.Builder scope = ScopeSpans.newBuilder();

        Builder(String service) {
            resource = ResourceSpans.newBuilder().setResource(Resource.newBuilder()
                    .addAttributes(kv("service.name", service)));
        }

        /** A span of {@code trace}; parent -1 is a root. Extra attributes as key, value pairs. */
        Builder span(int trace, int span, int parent, String name, long startMs, long endMs, boolean error,
                     Object... attributes) {
            Span.Builder s = Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceHex(trace))))
                    .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanHex(trace, span))))
                    .setName(name)
                    .setStartTimeUnixNano(T0 + startMs * MS)
                    .setEndTimeUnixNano(T0 + endMs * MS);
            if (parent >= 0) {
                s.setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanHex(trace, parent))));
            }
            if (error) {
                s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("failed"));
            }
            for (int i = 0; i < attributes.length; i += 2) {
                s.addAttributes(kv((String) attributes[i], attributes[i + 1]));
            }
            scope.addSpans(s);
            return this;
        }

        byte[] bytes() {
            return ExportTraceServiceRequest.newBuilder()
                    .addResourceSpans(resource.clone().addScopeSpans(scope)).build().toByteArray();
        }
    }

    static Builder service(String name) {
        return new Builder(name);
    }

    static KeyValue kv(String key, Object value) {
        AnyValue.Builder v = AnyValue.newBuilder();
        if (value instanceof Long l) {
            v.setIntValue(l);
        } else if (value instanceof Integer i) {
            v.setIntValue(i);
        } else if (value instanceof Double d) {
            v.setDoubleValue(d);
        } else if (value instanceof Boolean b) {
            v.setBoolValue(b);
        } else {
            v.setStringValue(String.valueOf(value));
        }
        return KeyValue.newBuilder().setKey(key).setValue(v).build();
    }
}
