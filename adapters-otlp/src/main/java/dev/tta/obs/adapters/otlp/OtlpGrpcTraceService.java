package dev.tta.obs.adapters.otlp;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import jakarta.inject.Singleton;

/**
 * OTLP/gRPC {@code TraceService/Export}; answers after the spans are committed. The request's
 * bytes are decoded straight into spans, as over HTTP, not parsed into generated messages first.
 */
@Singleton
public class OtlpGrpcTraceService implements BindableService {
    private final OtlpExports exports;

    public OtlpGrpcTraceService(OtlpExports exports) {
        this.exports = exports;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return OtlpGrpcFailures.decodingRequestBytes(TraceServiceGrpc.getExportMethod(), exports::decodeTraces,
                exports::traces);
    }
}
