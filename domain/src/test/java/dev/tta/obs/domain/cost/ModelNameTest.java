package dev.tta.obs.domain.cost;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelNameTest {

    @Test
    void datedSnapshotsAndHostPrefixesMapToTheModelFamily() {
        assertThat(ModelName.canonical("gpt-4o-mini-2024-07-18")).isEqualTo("gpt-4o-mini");
        assertThat(ModelName.canonical("openai/gpt-4o-mini")).isEqualTo("gpt-4o-mini");
        assertThat(ModelName.canonical("claude-3-5-sonnet-20241022")).isEqualTo("claude-3-5-sonnet");
        assertThat(ModelName.canonical("anthropic/claude-3.5-sonnet")).isEqualTo("claude-3-5-sonnet");
        assertThat(ModelName.canonical("us.anthropic.claude-3-5-sonnet-20240620-v1:0")).isEqualTo("claude-3-5-sonnet");
        assertThat(ModelName.canonical("claude-3-5-sonnet@20240620")).isEqualTo("claude-3-5-sonnet");
        assertThat(ModelName.canonical("claude-sonnet-4-5-20250929")).isEqualTo("claude-sonnet-4-5");
        assertThat(ModelName.canonical("models/gemini-1.5-pro-002")).isEqualTo("gemini-1.5-pro");
        assertThat(ModelName.canonical("mistral-large-latest")).isEqualTo("mistral-large");
        assertThat(ModelName.canonical("mistral-small-2503")).isEqualTo("mistral-small");
        assertThat(ModelName.canonical("o3-mini-2025-01-31")).isEqualTo("o3-mini");
        assertThat(ModelName.canonical("meta-llama/Llama-3.3-70B-Instruct-Turbo")).isEqualTo("llama-3.3-70b-instruct-turbo");
    }

    @Test
    void priceChangingSuffixesAreKept() {
        assertThat(ModelName.canonical("gpt-4o-mini")).isEqualTo("gpt-4o-mini");
        assertThat(ModelName.canonical("o3-pro")).isEqualTo("o3-pro");
        assertThat(ModelName.canonical("gemini-2.5-flash-lite")).isEqualTo("gemini-2.5-flash-lite");
        assertThat(ModelName.canonical("gemini-2.5-flash-preview-05-20")).startsWith("gemini-2.5-flash-preview");
    }

    @Test
    void providerSpellingsOfTheConventionsAreUnified() {
        assertThat(ModelName.canonicalProvider("gcp.gemini")).isEqualTo("google");
        assertThat(ModelName.canonicalProvider("gcp.vertex_ai")).isEqualTo("google");
        assertThat(ModelName.canonicalProvider("az.ai.openai")).isEqualTo("azure");
        assertThat(ModelName.canonicalProvider("aws.bedrock")).isEqualTo("bedrock");
        assertThat(ModelName.canonicalProvider("mistral_ai")).isEqualTo("mistral");
        assertThat(ModelName.canonicalProvider("x_ai")).isEqualTo("xai");
        assertThat(ModelName.canonicalProvider("OpenAI")).isEqualTo("openai");
    }

    @Test
    void providerIsInferredFromModelOrPrimitiveWhenNotReported() {
        assertThat(ModelName.inferProvider("gpt-4.1-mini")).contains("openai");
        assertThat(ModelName.inferProvider("o4-mini")).contains("openai");
        assertThat(ModelName.inferProvider("claude-haiku-4-5")).contains("anthropic");
        assertThat(ModelName.inferProvider("gemini-2.0-flash")).contains("google");
        assertThat(ModelName.inferProvider("deepseek-reasoner")).contains("deepseek");
        assertThat(ModelName.inferProvider("grok-3-mini")).contains("xai");
        assertThat(ModelName.inferProvider("my-finetune")).isEmpty();
        assertThat(ModelName.providerOfPrimitive("AnthropicPrimitive")).contains("anthropic");
        assertThat(ModelName.providerOfPrimitive("GroqPrimitive")).contains("groq");
        assertThat(ModelName.providerOfPrimitive("RetryPrimitive")).isEmpty();
    }

    @Test
    void aFamilyFilterFindsEverySnapshotAndADatedFilterOnlyItself() {
        assertThat(ModelName.matchesFilter("claude-3-5-sonnet", "claude-3-5-sonnet-20241022")).isTrue();
        assertThat(ModelName.matchesFilter("Claude-3-5-Sonnet", "anthropic/claude-3.5-sonnet")).isTrue();
        assertThat(ModelName.matchesFilter("gpt-4o-mini", "gpt-4o-mini-2024-07-18")).isTrue();
        assertThat(ModelName.matchesFilter("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022")).isTrue();
        assertThat(ModelName.matchesFilter("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20240620")).isFalse();
        assertThat(ModelName.matchesFilter("claude-3-5-sonnet-20241022", "claude-3-5-sonnet")).isFalse();
        // a price-changing suffix is another model, not a snapshot
        assertThat(ModelName.matchesFilter("gpt-4o", "gpt-4o-mini")).isFalse();
        assertThat(ModelName.matchesFilter("", "gpt-4o")).isFalse();
        assertThat(ModelName.isFamily("claude-3-5-sonnet")).isTrue();
        assertThat(ModelName.isFamily("claude-3-5-sonnet-20241022")).isFalse();
    }

    @Test
    void embeddingModelsArePricedPerInputToken() {
        PriceTable bundled = PriceTable.bundled();
        for (String model : new String[] {"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"}) {
            ModelPrice p = bundled.find(model, java.util.Optional.empty()).orElseThrow(() -> new AssertionError(model));
            assertThat(p.provider()).isEqualTo("openai");
            assertThat(p.outputPerMTok()).isZero();
        }
        // list prices: $0.02, $0.13 and $0.10 per 1M input tokens
        assertThat(bundled.find("text-embedding-3-small", java.util.Optional.of("openai")).orElseThrow()
                .costUsd(1_000_000, 0, 0, 0)).isEqualTo(0.02);
        assertThat(bundled.find("text-embedding-3-large", java.util.Optional.empty()).orElseThrow()
                .costUsd(500_000, 0, 0, 0)).isEqualTo(0.065);
        assertThat(bundled.find("text-embedding-ada-002", java.util.Optional.empty()).orElseThrow()
                .costUsd(2_000_000, 0, 0, 0)).isEqualTo(0.20);
    }
}
