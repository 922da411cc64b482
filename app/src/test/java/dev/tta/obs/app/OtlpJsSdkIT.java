package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenTelemetry JS SDK's three trace exporters (grpc, http/protobuf, http/json) against a
 * running tta-obs, through node. Without the npm packages (npm ci in app/src/test/js) the test
 * is skipped, unless TTA_OBS_REQUIRE_JS=1 (as in CI) makes that a failure.
 */
class OtlpJsSdkIT {
    static final Path JS = Path.of("src/test/js").toAbsolutePath();
    @TempDir
    Path dataDir;
    RunningService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static void requireNodeModules() {
        NodeProject.requireInstalled(JS, "the OpenTelemetry JS packages are", "TTA_OBS_REQUIRE_JS",
                "@opentelemetry/exporter-trace-otlp-grpc");
    }

    @Test
    void jsSdkExportersOverGrpcProtobufAndJson_areReadableAsSoonAsAcknowledged() throws Exception {
        requireNodeModules();
        int grpcPort = RunningService.freePort();
        service = new RunningService(dataDir, "--otlp-grpc-port=" + grpcPort);

        Process node = new ProcessBuilder("node", "export-traces.mjs", service.url(""), String.valueOf(grpcPort))
                .directory(JS.toFile()).redirectErrorStream(false).start();
        assertThat(node.waitFor(90, TimeUnit.SECONDS)).as("node finished").isTrue();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.exitValue()).as("node failed: " + err).isZero();

        Map<String, String> traceIds = RunningService.JSON.readValue(out.trim(),
                RunningService.JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        assertThat(traceIds).containsOnlyKeys("grpc", "http/protobuf", "http/json");
        for (var e : traceIds.entrySet()) {
            JsonNode trace = service.getJson("/api/traces/" + e.getValue());
            assertThat(trace.get("summary").get("serviceName").asText()).isEqualTo("js-" + e.getKey());
            assertThat(trace.get("summary").get("spanCount").asInt()).isEqualTo(2);
            assertThat(trace.get("summary").get("rootName").asText()).isEqualTo("js.workflow");
            JsonNode child = trace.get("spans").get(1);
            assertThat(child.get("depth").asInt()).as("the child found its parent: ids survived " + e.getKey())
                    .isEqualTo(1);
            assertThat(child.get("attributes").get("retry.attempt").get("value").asLong()).isEqualTo(2);
        }
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(List.copyOf(traceIds.values()).size());
    }
}
