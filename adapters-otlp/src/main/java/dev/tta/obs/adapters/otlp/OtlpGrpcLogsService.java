package dev.tta.obs.adapters.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** OTLP/gRPC {@code LogsService/Export}; answers after the records are committed. */
@Singleton
public class OtlpGrpcLogsService implements LogsServiceGrpc.AsyncService, io.grpc.BindableService {
    private final OtlpExports exports;

    public OtlpGrpcLogsService(OtlpExports exports) {
        this.exports = exports;
    }

    @Override
    public void export(ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> observer) {
        OtlpGrpcFailures.answer(exports.logs(request), observer);
    }

    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return OtlpGrpcFailures.rejectingUndecodableRequests(LogsServiceGrpc.bindService(this));
    }
}
