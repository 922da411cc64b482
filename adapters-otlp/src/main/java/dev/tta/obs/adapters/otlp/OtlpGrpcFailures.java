package dev.tta.obs.adapters.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.RetryInfo;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.out.StoreUnavailableException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Answers a gRPC export after its commit, and spells failures the way OTLP/gRPC exporters retry on. */
final class OtlpGrpcFailures {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcFailures.class);

    private OtlpGrpcFailures() {
    }

    static <T> void answer(CompletionStage<T> stored, StreamObserver<T> observer) {
        stored.whenComplete((response, failure) -> {
            if (failure == null) {
                observer.onNext(response);
                observer.onCompleted();
            } else {
                observer.onError(toStatus(failure instanceof CompletionException ? failure.getCause() : failure));
            }
        });
    }

    static StatusRuntimeException toStatus(Throwable e) {
        long retryAfter;
        String message;
        if (e instanceof IngestOverloadedException o) {
            retryAfter = o.retryAfterSeconds();
            message = o.getMessage();
        } else if (e instanceof StoreUnavailableException) {
            retryAfter = 5;
            message = "storage is unavailable, retry later: " + e.getMessage();
        } else {
            LOG.warn("OTLP export failed unexpectedly", e);
            retryAfter = 5;
            message = "could not store the export (" + e.getClass().getSimpleName() + "); retry later";
        }
        // UNAVAILABLE is retryable for every OTLP exporter; RetryInfo tells the ones that read it when
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(io.grpc.Status.Code.UNAVAILABLE.value())
                .setMessage(message)
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(Duration.newBuilder().setSeconds(retryAfter)).build()))
                .build());
    }
}
