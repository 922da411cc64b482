package dev.tta.obs.adapters.otlp;

import com.google.protobuf.ByteString;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.telemetry.LogBatch;
import dev.tta.obs.domain.telemetry.LogEntry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps an OTLP logs export to log entries. A record with a trace or span id of the wrong
 * length is rejected on its own (partial success); an absent or all-zero id means the record
 * was written outside a span.
 */
final class OtlpLogMapper {
    record Mapped(LogBatch batch, long rejected, String firstError, String cuts) {
    }

    private OtlpLogMapper() {
    }

    static Mapped map(ExportLogsServiceRequest request, AttributeLimits limits) {
        AttributeLimiter limiter = new AttributeLimiter(limits);
        List<LogEntry> logs = new ArrayList<>();
        long rejected = 0;
        String firstError = "";
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Resource resource = OtlpSpanMapper.resource(rl.getResource(), limiter);
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                InstrumentationScope scope = OtlpSpanMapper.scope(sl.getScope(), limiter);
                for (LogRecord r : sl.getLogRecordsList()) {
                    try {
                        logs.add(entry(r, resource, scope, limiter));
                    } catch (InvalidTelemetryException e) {
                        rejected++;
                        if (firstError.isEmpty()) {
                            firstError = "log record: " + e.getMessage();
                        }
                    }
                }
            }
        }
        return new Mapped(new LogBatch(logs), rejected, firstError, limiter.report());
    }

    private static LogEntry entry(LogRecord r, Resource resource, InstrumentationScope scope,
                                  AttributeLimiter limiter) {
        Optional<TraceId> traceId = isAbsent(r.getTraceId()) ? Optional.empty()
                : Optional.of(OtlpSpanMapper.traceId(r.getTraceId(), "trace_id"));
        Optional<SpanId> spanId = isAbsent(r.getSpanId()) ? Optional.empty()
                : Optional.of(OtlpSpanMapper.spanId(r.getSpanId(), "span_id"));
        AttributeLimiter.Limited attributes = limiter.apply(r.getAttributesList());
        return new LogEntry(r.getTimeUnixNano(), r.getObservedTimeUnixNano(), r.getSeverityNumberValue(),
                r.getSeverityText(), r.hasBody() ? Optional.of(limiter.value(r.getBody())) : Optional.empty(),
                attributes.attributes(), r.getDroppedAttributesCount() + attributes.dropped(), traceId, spanId,
                r.getFlags(), r.getEventName(), resource, scope);
    }

    private static boolean isAbsent(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
