package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Real GenAI instrumentation libraries from npm, each making the same tool-use conversation (a
 * call that asks for a tool, then a streamed call that answers after the tool result) against a
 * mock of the OpenAI or Anthropic API (app/src/test/genai-js/mock-llm.cjs) and exporting OTLP to a running
 * tta-obs. Each call must read back with the model, provider, tokens, cost and chat the library
 * sent, costed at hand-computed list prices; where a library did not send a fact, the test says
 * so and tta-obs must not invent it. Without the npm packages (npm ci in app/src/test/genai-js)
 * the test is skipped, unless TTA_OBS_REQUIRE_JS=1 (as in CI) makes that a failure.
 *
 * <p>The OpenAI mock answers with model {@code o4-mini-2025-04-16}; usage of the first call: 1200 input
 * tokens (1024 of them cached), 300 output (256 of them reasoning); of the second: 1350 input
 * (1024 cached), 20 output. List prices of o4-mini (bundled prices.tsv): $1.10 per 1M input
 * tokens, $0.275 per 1M cached input tokens, $4.40 per 1M output tokens, reasoning billed as output.
 * The Anthropic mock answers with {@code claude-sonnet-4-5-20250929}: 176 then 326 input tokens
 * besides 1024 cache reads each time, 300 then 20 output.
 */
class GenAiConformanceIT {
    static final Path JS = Path.of("src/test/genai-js").toAbsolutePath();
    private static final String USER = "What is the weather in Paris?";
    private static final String ANSWER = "It is rainy in Paris, 12C.";
    private static final String ARGS = "{\"city\":\"Paris\"}";
    /** First call with every fact: 176 uncached + 1024 cached input, 300 output. */
    private static final double FIRST_FULL = (176 * 1.10 + 1024 * 0.275 + 300 * 4.40) / 1e6;
    /** Second call with every fact: 326 uncached + 1024 cached input, 20 output. */
    private static final double SECOND_FULL = (326 * 1.10 + 1024 * 0.275 + 20 * 4.40) / 1e6;

    /** claude-sonnet-4-5 list prices: $3 input, $0.30 cache read, $15 output per 1M tokens; 176 + 1024 cached in, 300 out. */
    private static final double CLAUDE_FIRST = (176 * 3.00 + 1024 * 0.30 + 300 * 15.00) / 1e6;
    /** The second Anthropic call: 326 + 1024 cached in, 20 out. */
    private static final double CLAUDE_SECOND = (326 * 3.00 + 1024 * 0.30 + 20 * 15.00) / 1e6;

    @TempDir
    Path dataDir;
    RunningService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static void requireNodeModules(String library) {
        NodeProject.requireInstalled(JS, "the GenAI npm packages are", "TTA_OBS_REQUIRE_JS",
                "@opentelemetry/instrumentation-openai", "@arizeai/openinference-instrumentation-openai", "ai",
                "@ai-sdk/anthropic", "@anthropic-ai/sdk", "@arizeai/openinference-instrumentation-anthropic",
                "@arizeai/openinference-instrumentation-langchain", "@langchain/openai",
                "@traceloop/instrumentation-openai");
        if (library.equals("vercel-ai-7")) {
            NodeProject.requireInstalled(JS.resolve("ai7"), "the Vercel AI SDK 7 is", "TTA_OBS_REQUIRE_JS",
                    "ai", "@ai-sdk/otel", "@ai-sdk/openai");
        }
    }

    /** Runs the conversation through {@code library}; the trace detail as the dashboard reads it. */
    private JsonNode converse(String library) throws Exception {
        requireNodeModules(library);
        service = new RunningService(dataDir);
        Process node = new ProcessBuilder("node", "converse.cjs", library, service.url(""))
                .directory(JS.toFile()).start();
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.exitValue()).as("node failed: " + err).isZero();
        String traceId = RunningService.JSON.readTree(out.trim()).get("traceId").asText();
        return service.getJson("/api/traces/" + traceId);
    }

    /** The LLM calls of the trace, in the order they were made. */
    private static List<JsonNode> calls(JsonNode detail) {
        return calls(detail, s -> true);
    }

    /** The trace's LLM spans that {@code which} picks, in the order they started: two of them. */
    private static List<JsonNode> calls(JsonNode detail, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> calls = new ArrayList<>();
        for (JsonNode s : detail.get("spans")) {
            if (s.has("primitive") && s.get("primitive").get("kind").asText().equals("llm") && which.test(s)) {
                calls.add(s);
            }
        }
        calls.sort(Comparator.comparing(s -> s.get("startTimeUnixNano").asText(),
                Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())));
        assertThat(calls).as("two LLM calls").hasSize(2);
        return calls;
    }

    private static void assertTokens(JsonNode llm, long in, long cached, long out, long reasoning) {
        assertThat(llm.get("inputTokens").asLong()).as("input tokens").isEqualTo(in);
        assertThat(llm.get("cachedInputTokens").asLong()).as("cached input tokens").isEqualTo(cached);
        assertThat(llm.get("outputTokens").asLong()).as("output tokens").isEqualTo(out);
        assertThat(llm.get("reasoningTokens").asLong()).as("reasoning tokens").isEqualTo(reasoning);
    }

    private static void assertModel(JsonNode llm, String reported) {
        assertModel(llm, "openai", "o4-mini", reported);
    }

    private static void assertModel(JsonNode llm, String provider, String family, String reported) {
        assertThat(llm.get("model").asText()).isEqualTo(family);
        assertThat(llm.get("reportedModel").asText()).isEqualTo(reported);
        assertThat(llm.get("provider").asText()).isEqualTo(provider);
    }

    private static void assertPriced(JsonNode llm, double usd) {
        assertThat(llm.get("costStatus").asText()).isEqualTo("priced");
        assertThat(llm.get("costUsd").asDouble()).isCloseTo(usd, within(1e-12));
    }

    private static JsonNode json(String text) {
        try {
            return RunningService.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The first call's chat: the question, and the model asking for the tool. */
    private static void assertToolRequest(JsonNode messages, int userAt) {
        assertThat(messages.get(userAt).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(userAt).get("content").asText()).isEqualTo(USER);
        JsonNode assistant = messages.get(userAt + 1);
        assertThat(assistant.get("role").asText()).as("the chat: " + messages).isEqualTo("assistant");
        JsonNode call = assistant.get("toolCalls").get(0);
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        // the arguments' JSON as sent; libraries differ only in whitespace
        assertThat(json(call.get("arguments").asText())).isEqualTo(json(ARGS));
    }

    /** The second call's chat ends with the tool's result and the streamed answer. */
    private static void assertToolResultAndAnswer(JsonNode messages) {
        assertToolResultAndAnswer(messages, "tool", "call_weather_1");
    }

    /**
     * The same, for a library that sends the tool result in a turn of {@code role} (Anthropic's API
     * sends it in a user turn), and with {@code toolCallId}, or null when the library leaves it out.
     */
    private static void assertToolResultAndAnswer(JsonNode messages, String role, String toolCallId) {
        int n = messages.size();
        JsonNode tool = messages.get(n - 2);
        assertThat(tool.get("role").asText()).as("the chat: " + messages).isEqualTo(role);
        assertThat(tool.get("content").asText()).isEqualTo("rainy, 12C");
        if (toolCallId == null) {
            assertThat(tool.get("toolCallId").isNull()).as("a tool call id the library did not send").isTrue();
        } else {
            assertThat(tool.get("toolCallId").asText()).isEqualTo(toolCallId);
        }
        assertThat(messages.get(n - 1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(n - 1).get("content").asText()).isEqualTo(ANSWER);
    }

    @Test
    void openTelemetryOpenAiInstrumentation() throws Exception {
        JsonNode detail = converse("otel-openai");
        List<JsonNode> calls = calls(detail);
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        assertModel(first, "o4-mini-2025-04-16");
        assertModel(second, "o4-mini-2025-04-16");
        // @opentelemetry/instrumentation-openai 0.21 sends input and output counts only: no cached
        // and no reasoning tokens, so cached input is priced as input
        assertTokens(first, 1200, 0, 300, 0);
        assertTokens(second, 1350, 0, 20, 0);
        assertPriced(first, (1200 * 1.10 + 300 * 4.40) / 1e6);
        assertPriced(second, (1350 * 1.10 + 20 * 4.40) / 1e6);
        // the messages come only as log records written in each call's span
        assertToolRequest(first.get("messages"), 0);
        assertThat(first.get("messages")).hasSize(2);
        assertToolRequest(second.get("messages"), 0);
        assertToolResultAndAnswer(second.get("messages"));

        JsonNode summary = detail.get("summary");
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
        assertThat(summary.get("costUsd").asDouble())
                .isCloseTo((1200 * 1.10 + 300 * 4.40 + 1350 * 1.10 + 20 * 4.40) / 1e6, within(1e-12));
    }

    @Test
    void openInferenceOpenAiInstrumentation() throws Exception {
        JsonNode detail = converse("openinference-openai");
        List<JsonNode> calls = calls(detail);
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        assertModel(first, "o4-mini-2025-04-16");
        assertTokens(first, 1200, 1024, 300, 256);
        assertPriced(first, FIRST_FULL);
        // @arizeai/openinference-instrumentation-openai 4.2 sends no token counts on a streamed
        // call, and only the requested model name: the cost is unknown, not $0
        assertModel(second, "o4-mini");
        assertThat(second.get("usageReported").asBoolean()).isFalse();
        assertTokens(second, 0, 0, 0, 0);
        assertThat(second.get("costStatus").asText()).isEqualTo("no_usage");
        assertThat(second.get("costUsd").isNull()).isTrue();
        assertToolRequest(first.get("messages"), 0);
        assertToolRequest(second.get("messages"), 0);
        assertToolResultAndAnswer(second.get("messages"));

        JsonNode summary = detail.get("summary");
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("callsWithoutUsage").asInt()).isEqualTo(1);
        JsonNode usage = summary.get("modelUsage");
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).get("calls").asInt()).isEqualTo(2);
        assertThat(usage.get(0).get("callsWithoutUsage").asInt()).isEqualTo(1);
        assertThat(summary.get("costStatus").asText()).isEqualTo("partial");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo(FIRST_FULL, within(1e-12));
    }

    @Test
    void vercelAiSdk6() throws Exception {
        JsonNode detail = converse("vercel-ai");
        List<JsonNode> calls = calls(detail);
        assertThat(calls.get(0).get("name").asText()).isEqualTo("ai.generateText.doGenerate");
        assertThat(calls.get(1).get("name").asText()).isEqualTo("ai.streamText.doStream");
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        // gen_ai.system is "openai.chat": the provider is openai
        assertModel(first, "o4-mini-2025-04-16");
        assertModel(second, "o4-mini-2025-04-16");
        assertTokens(first, 1200, 1024, 300, 256);
        assertTokens(second, 1350, 1024, 20, 0);
        assertPriced(first, FIRST_FULL);
        assertPriced(second, SECOND_FULL);
        assertToolRequest(first.get("messages"), 0);
        assertToolRequest(second.get("messages"), 0);
        assertToolResultAndAnswer(second.get("messages"));

        JsonNode summary = detail.get("summary");
        // the outer ai.generateText and ai.streamText spans repeat their calls' usage: not calls of their own
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(2550);
        assertThat(summary.get("cachedInputTokens").asLong()).isEqualTo(2048);
        assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo(FIRST_FULL + SECOND_FULL, within(1e-12));
    }

    @Test
    void vercelAiSdk6WithAnthropic() throws Exception {
        JsonNode detail = converse("vercel-ai-anthropic");
        List<JsonNode> calls = calls(detail);
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        // gen_ai.system is "anthropic.messages"; the family row of claude-sonnet-4-5-20250929 prices it
        assertModel(first, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");
        assertModel(second, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");
        // Anthropic counts the 1024 cache-read tokens apart from input_tokens (176, then 326); the
        // SDK adds them back into ai.usage.inputTokens, as GenAI counts them, and no reasoning is sent
        assertTokens(first, 1200, 1024, 300, 0);
        assertTokens(second, 1350, 1024, 20, 0);
        double firstUsd = CLAUDE_FIRST;
        double secondUsd = CLAUDE_SECOND;
        assertPriced(first, firstUsd);
        assertPriced(second, secondUsd);
        assertToolRequest(first.get("messages"), 0);
        assertToolRequest(second.get("messages"), 0);
        assertToolResultAndAnswer(second.get("messages"));
        assertThat(detail.get("summary").get("costUsd").asDouble()).isCloseTo(firstUsd + secondUsd, within(1e-12));
    }

    @Test
    void traceloopOpenAiInstrumentation() throws Exception {
        JsonNode detail = converse("traceloop-openai");
        List<JsonNode> calls = calls(detail);
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        assertModel(first, "o4-mini-2025-04-16");
        assertModel(second, "o4-mini-2025-04-16");
        // @traceloop/instrumentation-openai 0.27 sends input and output counts of the call that was
        // not streamed, without cached or reasoning tokens: cached input is priced as input
        assertTokens(first, 1200, 0, 300, 0);
        assertPriced(first, (1200 * 1.10 + 300 * 4.40) / 1e6);
        // and no counts at all for the streamed call (it only estimates them with enrichTokens on)
        assertThat(second.get("usageReported").asBoolean()).isFalse();
        assertTokens(second, 0, 0, 0, 0);
        assertThat(second.get("costStatus").asText()).isEqualTo("no_usage");
        assertThat(second.get("costUsd").isNull()).isTrue();
        // gen_ai.input.messages and gen_ai.output.messages, in the GenAI parts format
        assertToolRequest(first.get("messages"), 0);
        assertThat(first.get("messages")).hasSize(2);
        assertToolRequest(second.get("messages"), 0);
        assertToolResultAndAnswer(second.get("messages"));

        JsonNode summary = detail.get("summary");
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("callsWithoutUsage").asInt()).isEqualTo(1);
        assertThat(summary.get("costStatus").asText()).isEqualTo("partial");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo((1200 * 1.10 + 300 * 4.40) / 1e6, within(1e-12));
    }

    @Test
    void openInferenceLangChainInstrumentation() throws Exception {
        JsonNode detail = converse("openinference-langchain");
        List<JsonNode> calls = calls(detail);
        assertThat(calls).extracting(s -> s.get("name").asText()).containsExactly("ChatOpenAI", "ChatOpenAI");
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        // @arizeai/openinference-instrumentation-langchain 4.1 sends the requested model name only
        // (llm.model_name o4-mini; the dated name is only inside output.value) and no provider
        // attribute: the provider is inferred from the model name
        assertModel(first, "openai", "o4-mini", "o4-mini");
        assertModel(second, "openai", "o4-mini", "o4-mini");
        // LangChain reads usage on the streamed call too, with cached and reasoning tokens
        assertTokens(first, 1200, 1024, 300, 256);
        assertTokens(second, 1350, 1024, 20, 0);
        assertPriced(first, FIRST_FULL);
        assertPriced(second, SECOND_FULL);
        assertToolRequest(first.get("messages"), 0);
        assertThat(first.get("messages")).hasSize(2);
        assertToolRequest(second.get("messages"), 0);
        // the flattened llm.input_messages carry no tool call ids
        assertThat(first.get("messages").get(1).get("toolCalls").get(0).get("id").isNull()).isTrue();
        assertToolResultAndAnswer(second.get("messages"), "tool", null);

        JsonNode summary = detail.get("summary");
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo(FIRST_FULL + SECOND_FULL, within(1e-12));
    }

    @Test
    void anthropicSdkOwnSpans() throws Exception {
        JsonNode detail = converse("anthropic-sdk");
        List<JsonNode> calls = calls(detail);
        assertThat(calls).extracting(s -> s.get("name").asText())
                .containsExactly("anthropic.messages.create", "anthropic.messages.create");
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        assertModel(first, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");
        assertModel(second, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");
        // @anthropic-ai/sdk 1.17 counts gen_ai.usage.input_tokens with the cache reads, as GenAI does;
        // Anthropic sends no reasoning count
        assertTokens(first, 1200, 1024, 300, 0);
        assertTokens(second, 1350, 1024, 20, 0);
        assertPriced(first, CLAUDE_FIRST);
        assertPriced(second, CLAUDE_SECOND);
        // messages only in its content mode (traces.contentMode "content"); the streamed answer only
        // through the SDK's stream helper
        assertToolRequest(first.get("messages"), 0);
        assertThat(first.get("messages")).hasSize(2);
        assertToolRequest(second.get("messages"), 0);
        // the tool result goes in a user turn, as content blocks
        assertToolResultAndAnswer(second.get("messages"), "user", "call_weather_1");

        JsonNode summary = detail.get("summary");
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo(CLAUDE_FIRST + CLAUDE_SECOND, within(1e-12));
    }

    @Test
    void openInferenceAnthropicInstrumentation_besideTheSdksOwnSpans() throws Exception {
        JsonNode detail = converse("openinference-anthropic");
        // the OpenInference span of each call, and inside it the span the SDK makes by default
        List<JsonNode> calls = calls(detail, s -> s.get("name").asText().equals("Anthropic Messages"));
        List<JsonNode> sdkCalls = calls(detail, s -> s.get("name").asText().equals("anthropic.messages.create"));
        // the first call's SDK span starts inside OpenInference's; the streamed call's beside it (the
        // SDK's stream helper starts its span before calling the create that OpenInference wraps)
        assertThat(sdkCalls.get(0).get("parentSpanId").asText()).isEqualTo(calls.get(0).get("spanId").asText());
        assertThat(sdkCalls.get(1).get("parentSpanId").asText()).isEqualTo(calls.get(1).get("parentSpanId").asText());
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        // @arizeai/openinference-instrumentation-anthropic 0.2: llm.model_name is the responding model;
        // llm.token_count.prompt includes the cache reads
        assertModel(first, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");
        assertModel(second, "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");
        assertTokens(first, 1200, 1024, 300, 0);
        assertTokens(second, 1350, 1024, 20, 0);
        assertPriced(first, CLAUDE_FIRST);
        assertPriced(second, CLAUDE_SECOND);
        assertToolRequest(first.get("messages"), 0);
        assertThat(first.get("messages")).hasSize(2);
        assertToolRequest(second.get("messages"), 0);
        // it flattens the tool result into a user message with its tool call id
        assertToolResultAndAnswer(second.get("messages"), "user", "call_weather_1");
        // the SDK's spans in their default mode: usage, no content
        assertTokens(sdkCalls.get(0).get("llm"), 1200, 1024, 300, 0);
        assertThat(sdkCalls.get(0).get("llm").get("messages")).isEmpty();

        // each call counted once, not once per span that reports it, nested or side by side
        JsonNode summary = detail.get("summary");
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(2550);
        assertThat(summary.get("cachedInputTokens").asLong()).isEqualTo(2048);
        assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo(CLAUDE_FIRST + CLAUDE_SECOND, within(1e-12));
    }

    @Test
    void vercelAiSdk7ThroughAiSdkOtel() throws Exception {
        JsonNode detail = converse("vercel-ai-7");
        // @ai-sdk/otel 1.0 writes GenAI spans: invoke_agent per generateText/streamText, a step
        // inside, and the provider call "chat o4-mini" inside that
        List<JsonNode> calls = calls(detail, s -> s.get("name").asText().equals("chat o4-mini"));
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        assertModel(first, "o4-mini-2025-04-16");
        assertModel(second, "o4-mini-2025-04-16");
        // without its usage option it sends no reasoning count
        assertTokens(first, 1200, 1024, 300, 0);
        assertTokens(second, 1350, 1024, 20, 0);
        assertPriced(first, FIRST_FULL);
        assertPriced(second, SECOND_FULL);
        assertToolRequest(first.get("messages"), 0);
        assertThat(first.get("messages")).hasSize(2);
        assertToolRequest(second.get("messages"), 0);
        assertToolResultAndAnswer(second.get("messages"));

        JsonNode summary = detail.get("summary");
        // the invoke_agent spans repeat their calls' usage: not calls of their own
        assertThat(summary.get("llmCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(2550);
        assertThat(summary.get("cachedInputTokens").asLong()).isEqualTo(2048);
        assertThat(summary.get("costStatus").asText()).isEqualTo("priced");
        assertThat(summary.get("costUsd").asDouble()).isCloseTo(FIRST_FULL + SECOND_FULL, within(1e-12));
    }
}
