package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The primitive-aware promise end to end: a TTA workflow (cache miss then hit, a retry that
 * succeeds on attempt 3, a fallback from OpenAI to Anthropic, two LLM calls with token usage)
 * exported by the OpenTelemetry Java SDK reads back with its primitives, counts, tokens and cost.
 */
class WorkflowInsightsIT {
    @TempDir
    Path dataDir;

    private static final long T0 = 1_767_225_600_000_000_000L;

    private static Span span(Tracer tracer, String name, Span parent, long startMs, long endMs, Map<String, Object> attrs) {
        SpanBuilder b = tracer.spanBuilder(name).setStartTimestamp(T0 + startMs * 1_000_000L, TimeUnit.NANOSECONDS);
        if (parent != null) {
            b.setParent(Context.root().with(parent));
        } else {
            b.setNoParent();
        }
        attrs.forEach((k, v) -> {
            if (v instanceof Long l) {
                b.setAttribute(k, l);
            } else if (v instanceof Boolean bo) {
                b.setAttribute(k, bo);
            } else {
                b.setAttribute(k, v.toString());
            }
        });
        Span s = b.startSpan();
        s.end(T0 + endMs * 1_000_000L, TimeUnit.NANOSECONDS);
        return s;
    }

    @Test
    void ttaWorkflow_readsBackWithPrimitivesRetriesFallbacksTokensAndListPriceCost() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                            AttributeKey.stringKey("service.name"), "tta-app"))))
                    .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                            .setEndpoint(service.url("/v1/traces")).build()).build())
                    .build();
            Tracer tracer = provider.get("tta.dev.primitives");

            Span root = span(tracer, "SequentialPrimitive.execute", null, 0, 9000, Map.of(
                    "primitive.type", "SequentialPrimitive", "workflow.id", "wf-42",
                    "workflow.name", "support_answer", "workflow.session_id", "session-7"));
            Span miss = span(tracer, "CachePrimitive.execute", root, 100, 2000, Map.of(
                    "primitive.type", "CachePrimitive", "cache.hit", false));
            span(tracer, "chat gpt-4o-mini", miss, 200, 1900, Map.of(
                    "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
                    "gen_ai.request.model", "gpt-4o-mini", "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
                    "gen_ai.usage.input_tokens", 120_000L, "gen_ai.usage.cache_read.input_tokens", 20_000L,
                    "gen_ai.usage.output_tokens", 30_000L,
                    "gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is my order?\"}]}]",
                    "gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"It ships today.\"}]}]"));
            span(tracer, "CachePrimitive.execute", root, 2100, 2101, Map.of(
                    "primitive.type", "CachePrimitive", "cache.hit", true));
            Span retry = span(tracer, "RetryPrimitive.execute", root, 2200, 5000, Map.of(
                    "primitive.type", "RetryPrimitive", "retry.max_retries", 3L,
                    "retry.succeeded_on_attempt", 3L, "retry.success", true));
            for (int i = 0; i < 3; i++) {
                Map<String, Object> a = new HashMap<>(Map.of("retry.attempt", (long) i + 1, "retry.max_attempts", 4L,
                        "retry.status", i < 2 ? "error" : "success"));
                Span attempt = tracer.spanBuilder("retry.attempt_" + i).setParent(Context.root().with(retry))
                        .setStartTimestamp(T0 + (2300 + i * 900) * 1_000_000L, TimeUnit.NANOSECONDS).startSpan();
                a.forEach((k, v) -> {
                    if (v instanceof Long l) {
                        attempt.setAttribute(k, l);
                    } else {
                        attempt.setAttribute(k, v.toString());
                    }
                });
                if (i < 2) {
                    attempt.setStatus(StatusCode.ERROR, "503 from search backend");
                }
                attempt.end(T0 + (3000 + i * 900) * 1_000_000L, TimeUnit.NANOSECONDS);
            }
            Span fallback = span(tracer, "FallbackPrimitive.execute", root, 5100, 8900, Map.of(
                    "primitive.type", "FallbackPrimitive", "fallback.used_fallback", true,
                    "fallback.primary_type", "OpenAIPrimitive", "fallback.fallback_type", "AnthropicPrimitive"));
            Span primary = tracer.spanBuilder("fallback.primary").setParent(Context.root().with(fallback))
                    .setStartTimestamp(T0 + 5200 * 1_000_000L, TimeUnit.NANOSECONDS)
                    .setAttribute("primitive.type", "OpenAIPrimitive").setAttribute("gen_ai.request.model", "gpt-4o")
                    .startSpan();
            primary.setStatus(StatusCode.ERROR, "429 Too Many Requests");
            primary.end(T0 + 5600 * 1_000_000L, TimeUnit.NANOSECONDS);
            span(tracer, "fallback.fallback", fallback, 5700, 8800, Map.of(
                    "primitive.type", "AnthropicPrimitive", "fallback.used_fallback", true,
                    "gen_ai.provider.name", "anthropic", "gen_ai.request.model", "claude-3-5-sonnet-20241022",
                    "gen_ai.usage.input_tokens", 8_000L, "gen_ai.usage.cache_read.input_tokens", 2_000L,
                    "gen_ai.usage.output_tokens", 1_500L));
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            provider.shutdown().join(10, TimeUnit.SECONDS);

            String traceId = root.getSpanContext().getTraceId();
            JsonNode summary = service.getJson("/api/traces/" + traceId).get("summary");
            assertThat(summary.get("primitiveTypes")).extracting(JsonNode::asText)
                    .contains("cache", "retry", "fallback", "llm", "sequential");
            assertThat(summary.get("cacheHits").asInt()).isEqualTo(1);
            assertThat(summary.get("cacheMisses").asInt()).isEqualTo(1);
            assertThat(summary.get("retries").asInt()).isEqualTo(2);
            assertThat(summary.get("fallbacksUsed").asInt()).isEqualTo(1);
            assertThat(summary.get("inputTokens").asLong()).isEqualTo(128_000);
            assertThat(summary.get("cachedInputTokens").asLong()).isEqualTo(22_000);
            assertThat(summary.get("outputTokens").asLong()).isEqualTo(31_500);
            // list prices, by hand: gpt-4o-mini $0.15 in / $0.075 cached / $0.60 out per 1M tokens,
            // claude-3.5-sonnet $3 / $0.30 / $15: 0.0345 + 0.0411
            assertThat(summary.get("costUsd").asDouble()).isCloseTo(0.0756, within(0.000_001));
            assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
            assertThat(summary.get("workflowName").asText()).isEqualTo("support_answer");
            assertThat(summary.get("sessionId").asText()).isEqualTo("session-7");

            JsonNode listed = service.getJson("/api/traces").get("traces").get(0);
            assertThat(listed.get("retries").asInt()).isEqualTo(2);
            assertThat(listed.get("costUsd").asDouble()).isCloseTo(0.0756, within(0.000_001));

            JsonNode chat = null;
            for (JsonNode s : service.getJson("/api/traces/" + traceId).get("spans")) {
                if (s.get("name").asText().equals("chat gpt-4o-mini")) {
                    chat = s;
                }
            }
            assertThat(chat).isNotNull();
            assertThat(chat.get("llm").get("model").asText()).startsWith("gpt-4o-mini");
            assertThat(chat.get("llm").get("costUsd").asDouble()).isCloseTo(0.0345, within(0.000_001));
            assertThat(chat.get("llm").get("messages").get(0).get("content").asText()).isEqualTo("Where is my order?");
            assertThat(chat.get("llm").get("messages").get(1).get("role").asText()).isEqualTo("assistant");
        }
    }
}
