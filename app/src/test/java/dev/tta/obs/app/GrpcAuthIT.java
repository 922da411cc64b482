package dev.tta.obs.app;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With --auth-token, OTLP over gRPC needs the token like every HTTP endpoint does. */
class GrpcAuthIT {
    @TempDir
    Path dataDir;

    private static boolean export(int grpcPort, String token, String spanName) {
        var builder = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + grpcPort)
                .setTimeout(5, TimeUnit.SECONDS);
        if (token != null) {
            builder.addHeader("authorization", "Bearer " + token);
        }
        SpanExporter exporter = builder.build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.builder().put("service.name", "grpc-auth").build()))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        provider.get("t").spanBuilder(spanName).startSpan().end();
        CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
        provider.shutdown().join(10, TimeUnit.SECONDS);
        return flushed.isSuccess();
    }

    @Test
    void grpcExportWithoutTheToken_isRefused_andWithItStored() throws Exception {
        int grpc = RunningService.freePort();
        try (RunningService service = new RunningService(dataDir, "--otlp-grpc-port=" + grpc, "--auth-token=s3cret")) {
            assertThat(export(grpc, null, "anonymous")).isFalse();
            assertThat(export(grpc, "wrong", "guessed")).isFalse();
            assertThat(export(grpc, "s3cret", "authorised")).isTrue();

            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(service.url("/api/traces"))).header("Authorization", "Bearer s3cret").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("authorised").doesNotContain("anonymous").doesNotContain("guessed");
        }
    }
}
