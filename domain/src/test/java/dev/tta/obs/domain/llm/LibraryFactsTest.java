package dev.tta.obs.domain.llm;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.PrimitiveKind;
import dev.tta.obs.domain.workflow.SpanClassifier;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Facts as real npm instrumentations put them on the wire (attribute names and value shapes as
 * observed in 2026-12, see telemetry-conventions.md), read back as a user must see them.
 */
class LibraryFactsTest {

    /** Vercel AI SDK 6 with @ai-sdk/openai 3: the doGenerate span of a call that asked for a tool. */
    private static Span vercelDoGenerate() {
        return span("ai.generateText.doGenerate")
                .attr("operation.name", "ai.generateText.doGenerate").attr("ai.operationId", "ai.generateText.doGenerate")
                .attr("ai.model.provider", "openai.chat").attr("ai.model.id", "gpt-4o-mini")
                .attr("gen_ai.system", "openai.chat").attr("gen_ai.request.model", "gpt-4o-mini")
                .attr("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
                .attr("ai.usage.inputTokens", 1200L).attr("ai.usage.outputTokens", 40L)
                .attr("ai.usage.cachedInputTokens", 1024L).attr("ai.usage.reasoningTokens", 0L)
                .attr("gen_ai.usage.input_tokens", 1200L).attr("gen_ai.usage.output_tokens", 40L)
                .attr("ai.prompt.messages", "[{\"role\":\"system\",\"content\":\"You answer with tools.\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather in Paris?\"}]}]")
                .attr("ai.response.text", "")
                .attr("ai.response.toolCalls", "[{\"toolCallType\":\"function\",\"toolCallId\":\"call_1\","
                        + "\"toolName\":\"get_weather\",\"input\":\"{\\\"city\\\":\\\"Paris\\\"}\"}]")
                .build();
    }

    @Test
    void vercelAiSdkProviderTokensAndMessages() {
        Span s = vercelDoGenerate();
        assertThat(SpanClassifier.classify(s).kind()).isEqualTo(PrimitiveKind.LLM);
        LlmUsage u = LlmUsage.from(s).orElseThrow();
        assertThat(u.provider()).contains("openai");
        assertThat(u.model()).contains("gpt-4o-mini");
        assertThat(u.reportedModel()).contains("gpt-4o-mini-2024-07-18");
        assertThat(u.inputTokens()).isEqualTo(1200);
        assertThat(u.cachedInputTokens()).isEqualTo(1024);
        assertThat(u.outputTokens()).isEqualTo(40);
        // list price gpt-4o-mini: $0.15 in, $0.075 cached in, $0.60 out per 1M tokens
        CostSummary cost = CostSummary.of(List.of(u.toModelUsage()), PriceTable.bundled());
        assertThat(cost.status()).isEqualTo(CostStatus.PRICED);
        assertThat(cost.costUsd().orElseThrow()).isCloseTo((176 * 0.15 + 1024 * 0.075 + 40 * 0.60) / 1e6, within(1e-15));

        List<ChatMessage> m = ChatMessages.from(s);
        assertThat(m).extracting(ChatMessage::role).containsExactly("system", "user", "assistant");
        assertThat(m.get(1).content()).isEqualTo("Weather in Paris?");
        assertThat(m.get(2).toolCalls()).containsExactly(
                new ChatMessage.ToolCall(Optional.of("call_1"), "get_weather", "{\"city\":\"Paris\"}"));
    }

    @Test
    void vercelAiSdkToolResultsAndTheOuterSpanAreNotExtraCalls() {
        Span outer = span("ai.generateText").attr("ai.operationId", "ai.generateText")
                .attr("ai.model.id", "gpt-4o-mini").attr("ai.model.provider", "openai.chat")
                .attr("ai.usage.inputTokens", 2400L).attr("ai.usage.outputTokens", 60L).build();
        Span first = vercelDoGenerate().toBuilder().parent(outer.spanId()).build();
        Span second = span("ai.generateText.doGenerate").parent(outer)
                .attr("ai.operationId", "ai.generateText.doGenerate").attr("gen_ai.system", "openai.chat")
                .attr("gen_ai.request.model", "gpt-4o-mini").attr("ai.usage.inputTokens", 1200L)
                .attr("ai.usage.outputTokens", 20L)
                .attr("ai.prompt.messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather in Paris?\"}]},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool-call\",\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]},"
                        + "{\"role\":\"tool\",\"content\":[{\"type\":\"tool-result\",\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\",\"output\":{\"type\":\"text\",\"value\":\"rainy, 12C\"}}]}]")
                .attr("ai.response.text", "It is rainy.").build();
        WorkflowRollup r = new WorkflowRollups(PriceTable.bundled()).rollup(List.of(outer, first, second));
        assertThat(r.llmCalls()).isEqualTo(2);
        assertThat(r.inputTokens()).isEqualTo(2400);
        assertThat(r.modelUsage()).singleElement().satisfies(u -> assertThat(u.provider()).isEqualTo("openai"));

        List<ChatMessage> m = ChatMessages.from(second);
        assertThat(m).extracting(ChatMessage::role).containsExactly("user", "assistant", "tool", "assistant");
        assertThat(m.get(1).toolCalls()).extracting(ChatMessage.ToolCall::arguments).containsExactly("{\"city\":\"Paris\"}");
        assertThat(m.get(2).toolCallId()).contains("call_1");
        assertThat(m.get(2).content()).isEqualTo("rainy, 12C");
        assertThat(m.get(3).content()).isEqualTo("It is rainy.");
    }

    @Test
    void genAiMessageEventsWithStructuredBodiesFeedTheChat() {
        Attributes choiceBody = Attributes.builder().put("index", 0L).put("finish_reason", "tool_calls")
                .put("message", new AttributeValue.MapValue(Attributes.builder()
                        .put("tool_calls", new AttributeValue.ArrayValue(List.of(new AttributeValue.MapValue(
                                Attributes.builder().put("id", "call_1").put("type", "function")
                                        .put("function", new AttributeValue.MapValue(Attributes.builder()
                                                .put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}")
                                                .build())).build())))).build())).build();
        Span s = span("chat gpt-4o-mini")
                .event("gen_ai.system.message", Attributes.builder().put("body",
                        new AttributeValue.MapValue(Attributes.builder().put("content", "Be brief.").build())).build())
                .event("log", Attributes.builder().put("event.name", "gen_ai.user.message")
                        .put("body", "{\"content\":\"Weather in Paris?\"}").build())
                .event("gen_ai.choice", Attributes.builder().put("body", new AttributeValue.MapValue(choiceBody)).build())
                .build();
        List<ChatMessage> m = ChatMessages.from(s);
        assertThat(m).extracting(ChatMessage::role).containsExactly("system", "user", "assistant");
        assertThat(m.get(0).content()).isEqualTo("Be brief.");
        assertThat(m.get(1).content()).isEqualTo("Weather in Paris?");
        assertThat(m.get(2).toolCalls()).containsExactly(
                new ChatMessage.ToolCall(Optional.of("call_1"), "get_weather", "{\"city\":\"Paris\"}"));
    }

    @Test
    void logRecordsCorrelatedToTheSpanJoinItsChatInTimeOrder() {
        // @opentelemetry/instrumentation-openai: the span counts tokens, the messages are log records
        Span s = span("chat gpt-4o-mini").time(1_000, 9_000).attr("gen_ai.operation.name", "chat")
                .attr("gen_ai.request.model", "gpt-4o-mini").attr("gen_ai.usage.input_tokens", 20L)
                .attr("gen_ai.usage.output_tokens", 5L).build();
        assertThat(ChatMessages.from(s)).isEmpty();
        SpanEvent answer = ChatMessages.logRecordEvent(8_000, "gen_ai.choice", Attributes.builder()
                        .put("gen_ai.system", "openai").build(),
                Optional.of(new AttributeValue.MapValue(Attributes.builder().put("index", 0L)
                        .put("message", new AttributeValue.MapValue(Attributes.builder()
                                .put("content", "Rainy.").build())).build()))).orElseThrow();
        SpanEvent question = ChatMessages.logRecordEvent(1_500, "", Attributes.builder()
                        .put("event.name", "gen_ai.user.message").build(),
                Optional.of(new AttributeValue.MapValue(Attributes.builder().put("content", "Weather?").build())))
                .orElseThrow();
        assertThat(ChatMessages.logRecordEvent(2_000, "http.request", Attributes.empty(), Optional.empty())).isEmpty();

        List<ChatMessage> m = ChatMessages.from(s, List.of(answer, question));
        assertThat(m).extracting(ChatMessage::role).containsExactly("user", "assistant");
        assertThat(m).extracting(ChatMessage::content).containsExactly("Weather?", "Rainy.");
    }

    @Test
    void dottedProviderIdsNameTheProvider() {
        assertThat(dev.tta.obs.domain.cost.ModelName.canonicalProvider("openai.chat")).isEqualTo("openai");
        assertThat(dev.tta.obs.domain.cost.ModelName.canonicalProvider("openai.responses")).isEqualTo("openai");
        assertThat(dev.tta.obs.domain.cost.ModelName.canonicalProvider("anthropic.messages")).isEqualTo("anthropic");
        assertThat(dev.tta.obs.domain.cost.ModelName.canonicalProvider("google.generative-ai")).isEqualTo("google");
        assertThat(dev.tta.obs.domain.cost.ModelName.canonicalProvider("gcp.vertex_ai")).isEqualTo("google");
        assertThat(dev.tta.obs.domain.cost.ModelName.canonicalProvider("aws.bedrock")).isEqualTo("bedrock");
    }
}
