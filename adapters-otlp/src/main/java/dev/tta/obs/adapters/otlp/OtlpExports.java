package dev.tta.obs.adapters.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tta.obs.ports.in.IngestLogs;
import dev.tta.obs.ports.in.IngestMetrics;
import dev.tta.obs.ports.in.IngestSpans;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What an export does, whatever the transport: map, hand to ingest, and answer after the commit
 * with partial success when something was rejected or cut. The HTTP and gRPC receivers differ only
 * in how they decode the request and how they spell a failure.
 */
@Singleton
public class OtlpExports {
    private final IngestSpans spans;
    private final IngestMetrics metrics;
    private final IngestLogs logs;
    private final AttributeLimits limits;

    public OtlpExports(IngestSpans spans, IngestMetrics metrics, IngestLogs logs, OtlpReceiverSettings settings) {
        this.spans = spans;
        this.metrics = metrics;
        this.logs = logs;
        this.limits = settings.attributeLimits();
    }

    public CompletionStage<ExportTraceServiceResponse> traces(ExportTraceServiceRequest request) {
        return traces(OtlpSpanMapper.map(request, limits));
    }

    /**
     * A protobuf trace export's spans, decoded from its bytes.
     *
     * @throws InvalidProtocolBufferException when the bytes are not a valid export
     */
    public OtlpSpanMapper.Mapped decodeTraces(byte[] protobuf) throws InvalidProtocolBufferException {
        return OtlpTraceDecoder.map(protobuf, limits);
    }

    public CompletionStage<ExportTraceServiceResponse> traces(OtlpSpanMapper.Mapped mapped) {
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        String message = message(mapped.rejected(), "span", mapped.firstError(), mapped.cuts());
        if (!message.isEmpty()) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(mapped.rejected()).setErrorMessage(message));
        }
        return after(() -> spans.ingest(mapped.batch()), response.build());
    }

    public CompletionStage<ExportMetricsServiceResponse> metrics(ExportMetricsServiceRequest request) {
        OtlpMetricMapper.Mapped mapped = OtlpMetricMapper.map(request, limits);
        ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
        String message = message(mapped.rejected(), "data point", mapped.firstError(), mapped.cuts());
        if (!message.isEmpty()) {
            response.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(mapped.rejected()).setErrorMessage(message));
        }
        return after(() -> metrics.ingest(mapped.batch()), response.build());
    }

    public CompletionStage<ExportLogsServiceResponse> logs(ExportLogsServiceRequest request) {
        OtlpLogMapper.Mapped mapped = OtlpLogMapper.map(request, limits);
        ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
        String message = message(mapped.rejected(), "log record", mapped.firstError(), mapped.cuts());
        if (!message.isEmpty()) {
            response.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(mapped.rejected()).setErrorMessage(message));
        }
        return after(() -> logs.ingest(mapped.batch()), response.build());
    }

    /** Partial success carries rejections, and also cuts as a warning (rejected count 0), as OTLP allows. */
    private static String message(long rejected, String what, String firstError, String cuts) {
        String rejections = rejected == 0 ? "" : rejected + " " + what + "(s) rejected; first: " + firstError;
        if (rejections.isEmpty() || cuts.isEmpty()) {
            return rejections + cuts;
        }
        return rejections + ". " + cuts;
    }

    private static <T> CompletionStage<T> after(Supplier<CompletionStage<Void>> ingest, T response) {
        try {
            return ingest.get().thenApply(done -> response);
        } catch (RuntimeException e) {
            // a full queue refuses synchronously; answer it like any other failed ingest
            return CompletableFuture.failedFuture(e);
        }
    }
}
