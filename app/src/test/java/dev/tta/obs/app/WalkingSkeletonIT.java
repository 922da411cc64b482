package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The first path end to end: the real OpenTelemetry Java SDK → OTLP/HTTP → SQLite → REST. */
class WalkingSkeletonIT {
    @TempDir
    Path dataDir;
    RunningService service;

    @BeforeEach
    void start() {
        service = new RunningService(dataDir);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private SdkTracerProvider tracerProvider(String serviceName) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(service.url("/v1/traces"))
                .build();
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
    }

    @Test
    void healthAnswersWithJson_andTheStartupLineSaysWhereEverythingIs() throws Exception {
        JsonNode health = service.getJson("/api/health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("storage").asText()).contains(dataDir.toString());
        assertThat(Files.exists(dataDir.resolve("tta-obs.sqlite"))).isTrue();
    }

    @Test
    void traceExportedByTheJavaSdk_readsBackWhole() throws Exception {
        SdkTracerProvider provider = tracerProvider("checkout-agent");
        Tracer tracer = provider.get("tta.dev.test", "1.2.3");
        String traceId;
        String rootId;
        String childId;
        String errorId;
        Span root = tracer.spanBuilder("workflow.run").setSpanKind(SpanKind.SERVER)
                .setAttribute("str", "hello <b>")
                .setAttribute("bool", true)
                .setAttribute("long", 9_007_199_254_740_993L)
                .setAttribute("double", 2.5)
                .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
                .setAttribute(AttributeKey.longArrayKey("nums"), List.of(1L, 2L))
                .startSpan();
        try (Scope ignored = root.makeCurrent()) {
            traceId = root.getSpanContext().getTraceId();
            rootId = root.getSpanContext().getSpanId();
            Span child = tracer.spanBuilder("llm.call").setSpanKind(SpanKind.CLIENT).startSpan();
            childId = child.getSpanContext().getSpanId();
            try (Scope c = child.makeCurrent()) {
                Span error = tracer.spanBuilder("tool.call").startSpan();
                errorId = error.getSpanContext().getSpanId();
                error.recordException(new IllegalStateException("tool exploded"));
                error.setStatus(StatusCode.ERROR, "tool failed");
                error.addEvent("retrying", Attributes.of(AttributeKey.longKey("attempt"), 2L));
                error.end();
            }
            child.end();
        }
        root.end();
        CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
        assertThat(flushed.isSuccess()).as("every export acknowledged").isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        JsonNode list = service.getJson("/api/traces");
        JsonNode summary = list.get("traces").get(0);
        assertThat(summary.get("traceId").asText()).isEqualTo(traceId);
        assertThat(summary.get("rootName").asText()).isEqualTo("workflow.run");
        assertThat(summary.get("serviceName").asText()).isEqualTo("checkout-agent");
        assertThat(summary.get("spanCount").asInt()).isEqualTo(3);
        assertThat(summary.get("errorCount").asInt()).isEqualTo(1);
        assertThat(summary.get("durationMs").asDouble()).isPositive();
        assertThat(summary.get("startTimeUnixNano").asLong()).isPositive();

        JsonNode trace = service.getJson("/api/traces/" + traceId);
        assertThat(trace.get("traceId").asText()).isEqualTo(traceId);
        Map<String, JsonNode> spans = new HashMap<>();
        List<String> order = new ArrayList<>();
        trace.get("spans").forEach(s -> {
            spans.put(s.get("spanId").asText(), s);
            order.add(s.get("name").asText());
        });
        assertThat(order).containsExactly("workflow.run", "llm.call", "tool.call");

        JsonNode r = spans.get(rootId);
        assertThat(r.get("parentSpanId").isNull()).isTrue();
        assertThat(r.get("kind").asText()).isEqualTo("SERVER");
        JsonNode attrs = r.get("attributes");
        assertThat(attrs.get("str").get("type").asText()).isEqualTo("string");
        assertThat(attrs.get("str").get("value").asText()).isEqualTo("hello <b>");
        assertThat(attrs.get("bool").get("value").asBoolean()).isTrue();
        assertThat(attrs.get("long").get("type").asText()).isEqualTo("int");
        assertThat(attrs.get("long").get("value").asText()).isEqualTo("9007199254740993");
        assertThat(attrs.get("double").get("value").asDouble()).isEqualTo(2.5);
        assertThat(attrs.get("tags").get("type").asText()).isEqualTo("array");
        assertThat(attrs.get("tags").get("value").get(1).get("value").asText()).isEqualTo("b");
        assertThat(attrs.get("nums").get("value").get(0).get("value").asLong()).isEqualTo(1L);
        assertThat(r.get("resource").get("attributes").get("service.name").get("value").asText())
                .isEqualTo("checkout-agent");
        assertThat(r.get("resource").get("attributes").has("telemetry.sdk.language")).isTrue();
        assertThat(r.get("scope").get("name").asText()).isEqualTo("tta.dev.test");
        assertThat(r.get("scope").get("version").asText()).isEqualTo("1.2.3");

        assertThat(spans.get(childId).get("parentSpanId").asText()).isEqualTo(rootId);
        assertThat(spans.get(childId).get("depth").asInt()).isEqualTo(1);
        JsonNode err = spans.get(errorId);
        assertThat(err.get("parentSpanId").asText()).isEqualTo(childId);
        assertThat(err.get("depth").asInt()).isEqualTo(2);
        assertThat(err.get("status").get("code").asText()).isEqualTo("ERROR");
        assertThat(err.get("status").get("message").asText()).isEqualTo("tool failed");
        JsonNode exception = err.get("events").get(0);
        assertThat(exception.get("name").asText()).isEqualTo("exception");
        assertThat(exception.get("attributes").get("exception.type").get("value").asText())
                .isEqualTo("java.lang.IllegalStateException");
        assertThat(exception.get("attributes").get("exception.stacktrace").get("value").asText())
                .contains("tool exploded").contains("WalkingSkeletonIT");
        assertThat(err.get("events").get(1).get("attributes").get("attempt").get("value").asLong()).isEqualTo(2);
        assertThat(traceId).matches("[0-9a-f]{32}");
    }

    @Test
    void spansOfOneTraceInSeparateRequests_childFirst_formOneTrace() throws Exception {
        SdkTracerProvider provider = tracerProvider("split");
        Tracer tracer = provider.get("split");
        // SimpleSpanProcessor exports each span as it ends: the child reaches tta-obs before its parent
        Span root = tracer.spanBuilder("parent").startSpan();
        String traceId = root.getSpanContext().getTraceId();
        try (Scope ignored = root.makeCurrent()) {
            tracer.spanBuilder("child").startSpan().end();
        }
        provider.forceFlush().join(10, TimeUnit.SECONDS);
        JsonNode early = service.getJson("/api/traces/" + traceId);
        assertThat(early.get("summary").get("rootFound").asBoolean()).isFalse();
        root.end();
        provider.shutdown().join(10, TimeUnit.SECONDS);

        JsonNode trace = service.getJson("/api/traces/" + traceId);
        assertThat(trace.get("summary").get("rootName").asText()).isEqualTo("parent");
        assertThat(trace.get("summary").get("spanCount").asInt()).isEqualTo(2);
        assertThat(trace.get("spans").get(0).get("name").asText()).isEqualTo("parent");
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(1);
    }

    @Test
    void unknownOrMalformedTraceId_answersProblemJson() throws Exception {
        HttpResponse<String> missing = service.get("/api/traces/" + "ab".repeat(16));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).get().asString().contains("application/problem+json");
        HttpResponse<String> bad = service.get("/api/traces/not-hex");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(RunningService.JSON.readTree(bad.body()).get("detail").asText()).contains("32 hex characters");
    }

    @Test
    void truncatedProtobuf_is400AndStoresNothing() throws Exception {
        HttpResponse<byte[]> r = service.post("/v1/traces", "application/x-protobuf", new byte[] {0x0a, 0x7f, 0x01});
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(service.getJson("/api/traces").get("traces")).isEmpty();
        assertThat(service.getJson("/api/health").get("status").asText()).isEqualTo("ok");
    }
}
