package dev.tta.obs.adapters.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** OTLP/gRPC {@code TraceService/Export}; answers after the spans are committed. */
@Singleton
public class OtlpGrpcTraceService implements TraceServiceGrpc.AsyncService, io.grpc.BindableService {
    private final OtlpExports exports;

    public OtlpGrpcTraceService(OtlpExports exports) {
        this.exports = exports;
    }

    @Override
    public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> observer) {
        OtlpGrpcFailures.answer(exports.traces(request), observer);
    }

    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return OtlpGrpcFailures.rejectingUndecodableRequests(TraceServiceGrpc.bindService(this));
    }
}
