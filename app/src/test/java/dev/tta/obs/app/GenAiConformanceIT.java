package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Real GenAI instrumentation libraries from npm, each making the same tool-use conversation (a
 * call that asks for a tool, then a streamed call that answers after the tool result) against a
 * mock of the OpenAI or Anthropic API (app/src/test/genai-js/mock-llm.cjs) and exporting OTLP to a running
 * tta-obs. Each call must read back with the model, provider, tokens, cost and chat the library
 * sent, costed at hand-computed list prices; where a library did not send a fact, the test says
 * so and tta-obs must not invent it. Without the npm packages (npm ci in app/src/test/genai-js)
 * the test is skipped, unless TTA_OBS_REQUIRE_JS=1 (as in CI) makes that a failure. Each library
 * is one entry of {@link #emitters()}: what its two calls must read back as, and how its chat and
 * spans differ from the rest.
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
    /** The first call when the library sends no cached count: all 1200 input tokens at the input price. */
    private static final double FIRST_UNCACHED = (1200 * 1.10 + 300 * 4.40) / 1e6;
    /** The second call likewise: 1350 input tokens at the input price. */
    private static final double SECOND_UNCACHED = (1350 * 1.10 + 20 * 4.40) / 1e6;

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
    private static List<JsonNode> calls(JsonNode detail, Predicate<JsonNode> which) {
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

    /**
     * One LLM call as it must read back: who answered, the tokens the library sent, and its cost at
     * list price, or null when the library sent no usage (then the cost is unknown, never $0).
     */
    record Call(String provider, String model, String reportedModel, long in, long cached, long out, long reasoning,
                Double usd) {
        /** A call of the OpenAI mock, named by the model that answered. */
        static Call o4Mini(long in, long cached, long out, long reasoning, double usd) {
            return new Call("openai", "o4-mini", "o4-mini-2025-04-16", in, cached, out, reasoning, usd);
        }

        /** A call of the Anthropic mock; Anthropic sends no reasoning count. */
        static Call claude(long in, long cached, long out, double usd) {
            return new Call("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", in, cached, out, 0, usd);
        }

        /** A call of the OpenAI mock the library sent no token counts for. */
        static Call o4MiniWithoutUsage(String reportedModel) {
            return new Call("openai", "o4-mini", reportedModel, 0, 0, 0, 0, null);
        }

        Call reportedAs(String name) {
            return new Call(provider, model, name, in, cached, out, reasoning, usd);
        }

        Call withoutReasoning() {
            return new Call(provider, model, reportedModel, in, cached, out, 0, usd);
        }
    }

    /** Both calls with every fact the mocks send. */
    private static final Call O4_FIRST = Call.o4Mini(1200, 1024, 300, 256, FIRST_FULL);
    private static final Call O4_SECOND = Call.o4Mini(1350, 1024, 20, 0, SECOND_FULL);
    /** Anthropic counts the 1024 cache reads apart from input_tokens; GenAI counts them in: 1200 and 1350. */
    private static final Call CLAUDE_1 = Call.claude(1200, 1024, 300, CLAUDE_FIRST);
    private static final Call CLAUDE_2 = Call.claude(1350, 1024, 20, CLAUDE_SECOND);

    /** One instrumentation library: its two calls, and where its spans and chat differ from the rest. */
    static final class Emitter {
        final String library;
        final Call first;
        final Call second;
        /** The name of the call spans when the trace has other LLM spans; null: every LLM span is a call. */
        String callSpan;
        List<String> spanNames;
        String toolResultRole = "tool";
        /** Null when the library sends no tool call ids, neither on the call nor on its result. */
        String toolCallId = "call_weather_1";
        BiConsumer<JsonNode, List<JsonNode>> also = (detail, calls) -> { };

        Emitter(String library, Call first, Call second) {
            this.library = library;
            this.first = first;
            this.second = second;
        }

        Emitter callSpans(String name) {
            callSpan = name;
            return this;
        }

        Emitter named(String... names) {
            spanNames = List.of(names);
            return this;
        }

        /** Anthropic's API sends the tool result in a user turn. */
        Emitter toolResultIn(String role) {
            toolResultRole = role;
            return this;
        }

        Emitter noToolCallIds() {
            toolCallId = null;
            return this;
        }

        /** Checks of this library's own, given the trace detail and its two call spans. */
        Emitter also(BiConsumer<JsonNode, List<JsonNode>> checks) {
            also = checks;
            return this;
        }

        @Override
        public String toString() {
            return library;
        }
    }

    static Stream<Emitter> emitters() {
        return Stream.of(
                // @opentelemetry/instrumentation-openai 0.21 sends input and output counts only: no cached
                // and no reasoning tokens, so cached input is priced as input; the messages come only as
                // log records written in each call's span
                new Emitter("otel-openai", Call.o4Mini(1200, 0, 300, 0, FIRST_UNCACHED),
                        Call.o4Mini(1350, 0, 20, 0, SECOND_UNCACHED)),
                // @arizeai/openinference-instrumentation-openai 4.2 sends no token counts on a streamed
                // call, and only the requested model name
                new Emitter("openinference-openai", O4_FIRST, Call.o4MiniWithoutUsage("o4-mini")),
                // gen_ai.system is "openai.chat": the provider is openai; the outer ai.generateText and
                // ai.streamText spans repeat their calls' usage: not calls of their own
                new Emitter("vercel-ai", O4_FIRST, O4_SECOND)
                        .named("ai.generateText.doGenerate", "ai.streamText.doStream"),
                // gen_ai.system is "anthropic.messages"; the family row of claude-sonnet-4-5-20250929 prices
                // it; the SDK adds the cache reads back into ai.usage.inputTokens, as GenAI counts them
                new Emitter("vercel-ai-anthropic", CLAUDE_1, CLAUDE_2),
                // @traceloop/instrumentation-openai 0.27 sends input and output counts of the call that was
                // not streamed, without cached or reasoning tokens: cached input is priced as input; and no
                // counts at all for the streamed call (it only estimates them with enrichTokens on); the chat
                // in gen_ai.input.messages and gen_ai.output.messages, in the GenAI parts format
                new Emitter("traceloop-openai", Call.o4Mini(1200, 0, 300, 0, FIRST_UNCACHED),
                        Call.o4MiniWithoutUsage("o4-mini-2025-04-16")),
                // @arizeai/openinference-instrumentation-langchain 4.1 sends the requested model name only
                // (llm.model_name o4-mini; the dated name is only inside output.value) and no provider
                // attribute: the provider is inferred from the model name. LangChain reads usage on the
                // streamed call too; the flattened llm.input_messages carry no tool call ids
                new Emitter("openinference-langchain", O4_FIRST.reportedAs("o4-mini"), O4_SECOND.reportedAs("o4-mini"))
                        .named("ChatOpenAI", "ChatOpenAI").noToolCallIds(),
                // @anthropic-ai/sdk 1.17 counts gen_ai.usage.input_tokens with the cache reads, as GenAI does;
                // messages only in its content mode (traces.contentMode "content"), the streamed answer only
                // through the SDK's stream helper; the tool result goes in a user turn, as content blocks
                new Emitter("anthropic-sdk", CLAUDE_1, CLAUDE_2)
                        .named("anthropic.messages.create", "anthropic.messages.create").toolResultIn("user"),
                // @arizeai/openinference-instrumentation-anthropic 0.2: llm.model_name is the responding model;
                // llm.token_count.prompt includes the cache reads; it flattens the tool result into a user
                // message with its tool call id. Each call also has the span the SDK makes by default: the
                // summary counts each call once, not once per span that reports it, nested or side by side
                new Emitter("openinference-anthropic", CLAUDE_1, CLAUDE_2)
                        .callSpans("Anthropic Messages").toolResultIn("user")
                        .also((detail, calls) -> {
                            List<JsonNode> sdkCalls = calls(detail,
                                    s -> s.get("name").asText().equals("anthropic.messages.create"));
                            // the first call's SDK span starts inside OpenInference's; the streamed call's beside
                            // it (the SDK's stream helper starts its span before calling the create that
                            // OpenInference wraps)
                            assertThat(sdkCalls.get(0).get("parentSpanId").asText())
                                    .isEqualTo(calls.get(0).get("spanId").asText());
                            assertThat(sdkCalls.get(1).get("parentSpanId").asText())
                                    .isEqualTo(calls.get(1).get("parentSpanId").asText());
                            // the SDK's spans in their default mode: usage, no content
                            assertTokens("the SDK's span of the first call", sdkCalls.get(0).get("llm"),
                                    1200, 1024, 300, 0);
                            assertThat(sdkCalls.get(0).get("llm").get("messages")).isEmpty();
                        }),
                // @ai-sdk/otel 1.0 writes GenAI spans: invoke_agent per generateText/streamText, a step
                // inside, and the provider call "chat o4-mini" inside that; the invoke_agent spans repeat
                // their calls' usage and are not calls of their own. Without its usage option it sends no
                // reasoning count
                new Emitter("vercel-ai-7", O4_FIRST.withoutReasoning(), O4_SECOND).callSpans("chat o4-mini"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emitters")
    void eachCallReadsBackAsTheLibrarySentIt(Emitter e) throws Exception {
        JsonNode detail = converse(e.library);
        try {
            check(e, detail);
        } catch (AssertionError failure) {
            // the build's report names a case by its index only
            throw new AssertionError(e.library + ": " + failure.getMessage(), failure);
        }
    }

    private static void check(Emitter e, JsonNode detail) {
        List<JsonNode> calls = e.callSpan == null ? calls(detail)
                : calls(detail, s -> s.get("name").asText().equals(e.callSpan));
        if (e.spanNames != null) {
            assertThat(calls).extracting(s -> s.get("name").asText()).containsExactlyElementsOf(e.spanNames);
        }
        JsonNode first = calls.get(0).get("llm");
        JsonNode second = calls.get(1).get("llm");
        assertCall("first call", first, e.first);
        assertCall("second call", second, e.second);

        assertToolRequest(first.get("messages"));
        assertThat(first.get("messages")).as("the first call's chat").hasSize(2);
        assertToolRequest(second.get("messages"));
        assertToolResultAndAnswer(second.get("messages"), e.toolResultRole, e.toolCallId);
        if (e.toolCallId == null) {
            assertThat(first.get("messages").get(1).get("toolCalls").get(0).get("id").isNull())
                    .as("a tool call id the library did not send").isTrue();
        }

        assertSummary(detail.get("summary"), List.of(e.first, e.second));
        e.also.accept(detail, calls);
    }

    private static void assertCall(String which, JsonNode llm, Call c) {
        assertThat(llm.get("model").asText()).as(which + ": model").isEqualTo(c.model());
        assertThat(llm.get("reportedModel").asText()).as(which + ": reported model").isEqualTo(c.reportedModel());
        assertThat(llm.get("provider").asText()).as(which + ": provider").isEqualTo(c.provider());
        assertTokens(which, llm, c.in(), c.cached(), c.out(), c.reasoning());
        if (c.usd() == null) {
            assertThat(llm.get("usageReported").asBoolean()).as(which + ": usage reported").isFalse();
            assertThat(llm.get("costStatus").asText()).as(which + ": cost status").isEqualTo("no_usage");
            assertThat(llm.get("costUsd").isNull()).as(which + ": no cost, not $0").isTrue();
        } else {
            assertThat(llm.get("costStatus").asText()).as(which + ": cost status").isEqualTo("priced");
            assertThat(llm.get("costUsd").asDouble()).as(which + ": cost").isCloseTo(c.usd(), within(1e-12));
        }
    }

    /**
     * The trace's totals: each call counted once, whatever other spans repeat its usage, and its cost
     * the priced calls' sum, "partial" when a call sent no usage.
     */
    private static void assertSummary(JsonNode summary, List<Call> calls) {
        long withoutUsage = calls.stream().filter(c -> c.usd() == null).count();
        assertThat(summary.get("llmCalls").asInt()).as("summary: LLM calls").isEqualTo(calls.size());
        assertThat(summary.get("callsWithoutUsage").asLong()).as("summary: calls without usage").isEqualTo(withoutUsage);
        assertThat(summary.get("inputTokens").asLong()).as("summary: input tokens").isEqualTo(sum(calls, Call::in));
        assertThat(summary.get("cachedInputTokens").asLong()).as("summary: cached input tokens")
                .isEqualTo(sum(calls, Call::cached));
        assertThat(summary.get("outputTokens").asLong()).as("summary: output tokens").isEqualTo(sum(calls, Call::out));
        assertThat(summary.get("reasoningTokens").asLong()).as("summary: reasoning tokens")
                .isEqualTo(sum(calls, Call::reasoning));
        assertThat(summary.get("costStatus").asText()).as("summary: cost status")
                .isEqualTo(withoutUsage == 0 ? "priced" : "partial");
        double usd = calls.stream().filter(c -> c.usd() != null).mapToDouble(Call::usd).sum();
        assertThat(summary.get("costUsd").asDouble()).as("summary: cost").isCloseTo(usd, within(1e-12));

        Map<String, List<Call>> byModel = new LinkedHashMap<>();
        calls.forEach(c -> byModel.computeIfAbsent(c.provider() + " " + c.model(), k -> new ArrayList<>()).add(c));
        JsonNode usage = summary.get("modelUsage");
        assertThat(usage).as("summary: a row per model").hasSize(byModel.size());
        for (JsonNode row : usage) {
            List<Call> ofModel = byModel.get(row.get("provider").asText() + " " + row.get("model").asText());
            assertThat(ofModel).as("summary: a model no call used: " + row).isNotNull();
            assertThat(row.get("calls").asInt()).as("summary: calls of " + row).isEqualTo(ofModel.size());
            assertThat(row.get("callsWithoutUsage").asLong()).as("summary: calls without usage of " + row)
                    .isEqualTo(ofModel.stream().filter(c -> c.usd() == null).count());
        }
    }

    private static long sum(List<Call> calls, ToLongFunction<Call> tokens) {
        return calls.stream().mapToLong(tokens).sum();
    }

    private static void assertTokens(String which, JsonNode llm, long in, long cached, long out, long reasoning) {
        assertThat(llm.get("inputTokens").asLong()).as(which + ": input tokens").isEqualTo(in);
        assertThat(llm.get("cachedInputTokens").asLong()).as(which + ": cached input tokens").isEqualTo(cached);
        assertThat(llm.get("outputTokens").asLong()).as(which + ": output tokens").isEqualTo(out);
        assertThat(llm.get("reasoningTokens").asLong()).as(which + ": reasoning tokens").isEqualTo(reasoning);
    }

    private static JsonNode json(String text) {
        try {
            return RunningService.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** A call's chat begins with the question and the model asking for the tool. */
    private static void assertToolRequest(JsonNode messages) {
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content").asText()).isEqualTo(USER);
        JsonNode assistant = messages.get(1);
        assertThat(assistant.get("role").asText()).as("the chat: " + messages).isEqualTo("assistant");
        JsonNode call = assistant.get("toolCalls").get(0);
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        // the arguments' JSON as sent; libraries differ only in whitespace
        assertThat(json(call.get("arguments").asText())).isEqualTo(json(ARGS));
    }

    /**
     * The second call's chat ends with the tool's result, in a turn of {@code role}, with
     * {@code toolCallId} (or none when null), and the streamed answer.
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
}
