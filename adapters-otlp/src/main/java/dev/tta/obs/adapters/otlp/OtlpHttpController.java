package dev.tta.obs.adapters.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.ports.out.StoreUnavailableException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * OTLP/HTTP trace receiver. Answers only after the spans are committed, so an exporter's success
 * means the spans are on disk.
 */
@Controller
public class OtlpHttpController {
    static final String PROTOBUF = "application/x-protobuf";

    private final IngestSpans ingest;

    public OtlpHttpController(IngestSpans ingest) {
        this.ingest = ingest;
    }

    @Post(uri = "/v1/traces", consumes = PROTOBUF, produces = PROTOBUF)
    public CompletionStage<MutableHttpResponse<byte[]>> traces(@Body byte[] body) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(body == null ? new byte[0] : body);
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.completedFuture(error(HttpStatus.BAD_REQUEST, RpcStatus.INVALID_ARGUMENT,
                    "request body is not a valid OTLP ExportTraceServiceRequest: " + e.getMessage()));
        }
        OtlpSpanMapper.Mapped mapped = OtlpSpanMapper.map(request);
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (mapped.rejected() > 0) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(mapped.rejected())
                    .setErrorMessage(mapped.rejected() + " span(s) rejected; first: " + mapped.firstError()));
        }
        byte[] ok = response.build().toByteArray();
        CompletionStage<Void> stored;
        try {
            stored = ingest.ingest(mapped.batch());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
        return stored.handle((done, failure) -> failure == null
                ? HttpResponse.ok(ok).contentType(PROTOBUF)
                : failure(failure instanceof CompletionException ? failure.getCause() : failure));
    }

    static MutableHttpResponse<byte[]> failure(Throwable e) {
        if (e instanceof IngestOverloadedException o) {
            return error(HttpStatus.TOO_MANY_REQUESTS, RpcStatus.RESOURCE_EXHAUSTED, o.getMessage())
                    .header("Retry-After", String.valueOf(o.retryAfterSeconds()));
        }
        if (e instanceof StoreUnavailableException) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, RpcStatus.UNAVAILABLE,
                    "storage is unavailable, retry later: " + e.getMessage())
                    .header("Retry-After", "5");
        }
        return error(HttpStatus.SERVICE_UNAVAILABLE, RpcStatus.UNAVAILABLE, "could not store spans: " + e)
                .header("Retry-After", "5");
    }

    static MutableHttpResponse<byte[]> error(HttpStatus status, int rpcCode, String message) {
        return HttpResponse.<byte[]>status(status).body(RpcStatus.protobuf(rpcCode, message)).contentType(PROTOBUF);
    }
}
