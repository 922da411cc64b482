package dev.tta.obs.domain.llm;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

class LlmUsageTest {

    @Test
    void readsCurrentOpenTelemetryGenAiAttributes() {
        LlmUsage u = LlmUsage.from(span("chat gpt-4o-mini")
                .attr("gen_ai.provider.name", "openai")
                .attr("gen_ai.request.model", "gpt-4o-mini")
                .attr("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
                .attr("gen_ai.usage.input_tokens", 1200L)
                .attr("gen_ai.usage.output_tokens", 300L)
                .attr("gen_ai.usage.cache_read.input_tokens", 200L)
                .attr("gen_ai.usage.cache_creation.input_tokens", 50L)
                .attr("gen_ai.usage.reasoning.output_tokens", 100L).build()).orElseThrow();
        assertThat(u.model()).contains("gpt-4o-mini");
        assertThat(u.reportedModel()).contains("gpt-4o-mini-2024-07-18");
        assertThat(u.provider()).contains("openai");
        assertThat(u.inputTokens()).isEqualTo(1200);
        assertThat(u.cachedInputTokens()).isEqualTo(200);
        assertThat(u.cacheCreationInputTokens()).isEqualTo(50);
        assertThat(u.outputTokens()).isEqualTo(300);
        assertThat(u.reasoningTokens()).isEqualTo(100);
        assertThat(u.reportedCostUsd()).isEmpty();
    }

    @Test
    void readsTheAnthropicSdksCacheWriteName() {
        LlmUsage u = LlmUsage.from(span("anthropic.messages.create")
                .attr("gen_ai.provider.name", "anthropic")
                .attr("gen_ai.response.model", "claude-sonnet-4-5-20250929")
                .attr("gen_ai.usage.input_tokens", 1500L)
                .attr("gen_ai.usage.cache_read.input_tokens", 1024L)
                .attr("gen_ai.usage.cache_write.input_tokens", 300L)
                .attr("gen_ai.usage.output_tokens", 20L).build()).orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(1500);
        assertThat(u.cachedInputTokens()).isEqualTo(1024);
        assertThat(u.cacheCreationInputTokens()).isEqualTo(300);
    }

    @Test
    void readsDeprecatedGenAiNamesAndTokenCountsSentAsStrings() {
        LlmUsage u = LlmUsage.from(span("anthropic.chat")
                .attr("gen_ai.system", "anthropic")
                .attr("gen_ai.request.model", "claude-3-5-sonnet-20241022")
                .attr("gen_ai.usage.prompt_tokens", "800")
                .attr("gen_ai.usage.completion_tokens", 150L).build()).orElseThrow();
        assertThat(u.provider()).contains("anthropic");
        assertThat(u.model()).contains("claude-3-5-sonnet");
        assertThat(u.inputTokens()).isEqualTo(800);
        assertThat(u.outputTokens()).isEqualTo(150);
    }

    @Test
    void readsOpenInferenceTokenCountsAndCost() {
        LlmUsage u = LlmUsage.from(span("ChatCompletion")
                .attr("openinference.span.kind", "LLM")
                .attr("llm.model_name", "gpt-4.1")
                .attr("llm.provider", "openai")
                .attr("llm.token_count.prompt", 500L)
                .attr("llm.token_count.completion", 70L)
                .attr("llm.token_count.total", 570L)
                .attr("llm.token_count.prompt_details.cache_read", 100L)
                .attr("llm.token_count.completion_details.reasoning", 20L)
                .attr("llm.cost.total", 0.00123).build()).orElseThrow();
        assertThat(u.model()).contains("gpt-4.1");
        assertThat(u.inputTokens()).isEqualTo(500);
        assertThat(u.outputTokens()).isEqualTo(70);
        assertThat(u.cachedInputTokens()).isEqualTo(100);
        assertThat(u.reasoningTokens()).isEqualTo(20);
        assertThat(u.unsplitTokens()).isZero();
        assertThat(u.reportedCostUsd()).contains(0.00123);
    }

    @Test
    void openLlmetryTotalOnlyIsKeptAsUnsplitTokens() {
        LlmUsage u = LlmUsage.from(span("openai.chat")
                .attr("traceloop.span.kind", "task")
                .attr("gen_ai.request.model", "gpt-4o")
                .attr("llm.usage.total_tokens", 900L).build()).orElseThrow();
        assertThat(u.unsplitTokens()).isEqualTo(900);
        assertThat(u.inputTokens()).isZero();
        assertThat(u.totalTokens()).isEqualTo(900);
    }

    @Test
    void openLlmetryTotalCompletesAMissingHalf() {
        LlmUsage u = LlmUsage.from(span("openai.chat")
                .attr("gen_ai.request.model", "gpt-4o")
                .attr("gen_ai.usage.prompt_tokens", 600L)
                .attr("llm.usage.total_tokens", 900L).build()).orElseThrow();
        assertThat(u.outputTokens()).isEqualTo(300);
        assertThat(u.unsplitTokens()).isZero();
    }

    @Test
    void langfuseUsageDetailsAreDisjointTypesAddedIntoInclusiveCounts() {
        LlmUsage u = LlmUsage.from(span("generation")
                .attr("langfuse.observation.type", "generation")
                .attr("langfuse.observation.model.name", "gpt-4o")
                .attr("langfuse.observation.usage_details",
                        "{\"input\":700,\"input_cached_tokens\":300,\"output\":150,\"output_reasoning_tokens\":50,\"total\":1200}")
                .attr("langfuse.observation.cost_details", "{\"input\":0.002,\"output\":0.0015,\"total\":0.0035}")
                .build()).orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(1000);
        assertThat(u.cachedInputTokens()).isEqualTo(300);
        assertThat(u.outputTokens()).isEqualTo(200);
        assertThat(u.reasoningTokens()).isEqualTo(50);
        assertThat(u.reportedCostUsd()).contains(0.0035);
        assertThat(u.provider()).contains("openai");
    }

    @Test
    void langfuseCostWithoutTotalIsTheSumOfItsParts() {
        LlmUsage u = LlmUsage.from(span("generation")
                .attr("langfuse.observation.model.name", "claude-haiku-4-5")
                .attr("langfuse.observation.cost_details", "{\"input\":0.25,\"output\":0.5}").build()).orElseThrow();
        assertThat(u.reportedCostUsd()).contains(0.75);
    }

    @Test
    void malformedLangfuseJsonIsIgnoredNotFatal() {
        Optional<LlmUsage> u = LlmUsage.from(span("generation")
                .attr("langfuse.observation.model.name", "gpt-4o")
                .attr("langfuse.observation.usage_details", "{\"input\":")
                .attr("langfuse.observation.cost_details", "not json").build());
        assertThat(u).isPresent();
        assertThat(u.get().totalTokens()).isZero();
        assertThat(u.get().reportedCostUsd()).isEmpty();
    }

    @Test
    void ttaReportedCostIsKept() {
        LlmUsage u = LlmUsage.from(span("OpenAIPrimitive.execute")
                .attr("primitive.type", "OpenAIPrimitive")
                .attr("gen_ai.request.model", "gpt-4o")
                .attr("gen_ai.usage.cost_usd", 0.0125).build()).orElseThrow();
        assertThat(u.reportedCostUsd()).contains(0.0125);
    }

    @Test
    void providerComesFromThePrimitiveWhenTheSpanNamesNone() {
        LlmUsage u = LlmUsage.from(span("GroqPrimitive.execute")
                .attr("primitive.type", "GroqPrimitive")
                .attr("gen_ai.request.model", "llama-3.3-70b-versatile")
                .attr("gen_ai.usage.input_tokens", 10L).build()).orElseThrow();
        assertThat(u.provider()).contains("groq");
    }

    @Test
    void spanWithoutLlmSignalsHasNoUsage() {
        assertThat(LlmUsage.from(span("GET /health").attr("http.status_code", 200L).build())).isEmpty();
    }

    /**
     * {@code from} answers empty for spans with no key in {@link LlmUsage#USAGE_NAMESPACES}: every key
     * a usage is made from must lie in one of them.
     */
    @org.junit.jupiter.api.Test
    void everyKeyAUsageIsMadeFrom_isInItsNamespaces() throws Exception {
        String source = java.nio.file.Files.readString(
                java.nio.file.Path.of("src/main/java/dev/tta/obs/domain/llm/LlmUsage.java"));
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (String array : new String[] {"MODEL_KEYS", "INPUT_KEYS", "OUTPUT_KEYS", "TOTAL_KEYS", "CACHE_READ_KEYS",
            "CACHE_WRITE_KEYS", "REASONING_KEYS", "COST_KEYS"}) {
            int at = source.indexOf(array + " = {");
            String body = source.substring(at, source.indexOf('}', at));
            java.util.regex.Matcher literal = java.util.regex.Pattern.compile("\"([^\"]+)\"").matcher(body);
            while (literal.find()) {
                keys.add(literal.group(1));
            }
        }
        java.util.regex.Matcher direct = java.util.regex.Pattern.compile("\\ba\\.get\\w*\\(\"([^\"]+)\"\\)").matcher(source);
        while (direct.find()) {
            keys.add(direct.group(1));
        }
        org.assertj.core.api.Assertions.assertThat(keys).hasSizeGreaterThan(30)
                .contains("gen_ai.usage.input_tokens", "langfuse.observation.usage_details", "llm.cost.total");
        for (String key : keys) {
            org.assertj.core.api.Assertions.assertThat(LlmUsage.USAGE_NAMESPACES.contains(key)).as(key).isTrue();
        }
    }
}
