package dev.tta.obs.adapters.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** OTLP/gRPC {@code MetricsService/Export}; answers after the points are committed. */
@Singleton
public class OtlpGrpcMetricsService implements MetricsServiceGrpc.AsyncService, io.grpc.BindableService {
    private final OtlpExports exports;

    public OtlpGrpcMetricsService(OtlpExports exports) {
        this.exports = exports;
    }

    @Override
    public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> observer) {
        OtlpGrpcFailures.answer(exports.metrics(request), observer);
    }

    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return OtlpGrpcFailures.rejectingUndecodableRequests(MetricsServiceGrpc.bindService(this));
    }
}
