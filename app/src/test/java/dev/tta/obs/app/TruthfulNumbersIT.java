package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static dev.tta.obs.app.OtlpRequests.kv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The examples, sent over OTLP/HTTP to a running tta-obs and read back from the REST API
 * as the dashboard reads them: attempts counted by structure, a recovered run told from a failed
 * one, calls without token counts never priced at $0, model families, facts from the Vercel AI
 * SDK and from log records, and times past 2^63 ns.
 */
class TruthfulNumbersIT {
    private static final long T0 = OtlpRequests.T0;
    private static final long MS = OtlpRequests.MS;

    @TempDir
    Path dataDir;

    private static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    private static String trace(int n) {
        return String.format("%032x", 0x7e57_0000L + n);
    }

    private static String span(int trace, int n) {
        return String.format("%08x%08x", trace, n + 1);
    }

    private static Span.Builder span(int trace, int n, int parent, String name, long start, long end) {
        Span.Builder s = Span.newBuilder().setTraceId(id(trace(trace))).setSpanId(id(span(trace, n))).setName(name)
                .setStartTimeUnixNano(start).setEndTimeUnixNano(end);
        if (parent >= 0) {
            s.setParentSpanId(id(span(trace, parent)));
        }
        return s;
    }

    private static Span.Builder attrs(Span.Builder s, Object... kvs) {
        for (int i = 0; i < kvs.length; i += 2) {
            s.addAttributes(kv((String) kvs[i], kvs[i + 1]));
        }
        return s;
    }

    private static Span.Builder error(Span.Builder s) {
        return s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("failed"));
    }

    private static byte[] export(Span.Builder... spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (Span.Builder s : spans) {
            scope.addSpans(s);
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "agent")))
                .addScopeSpans(scope)).build().toByteArray();
    }

    private static JsonNode spanNamed(JsonNode detail, String name) {
        for (JsonNode s : detail.get("spans")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no span " + name + " in " + detail);
    }

    @Test
    void attemptsByStructureAndARecoveredRunToldFromAFailedOne() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            service.export(export(
                    span(1, 0, -1, "agent.run", T0, T0 + 1000 * MS),
                    attrs(span(1, 1, 0, "RetryPrimitive.execute", T0 + 10 * MS, T0 + 500 * MS),
                            "retry.max_retries", 3L, "retry.final_attempts", 3L),
                    error(attrs(span(1, 2, 1, "flaky_tool.attempt", T0 + 20 * MS, T0 + 100 * MS), "retry.attempt", 1L)),
                    error(attrs(span(1, 3, 1, "flaky_tool.attempt", T0 + 120 * MS, T0 + 200 * MS), "retry.attempt", 2L)),
                    attrs(span(1, 4, 1, "flaky_tool.attempt", T0 + 220 * MS, T0 + 300 * MS), "retry.attempt", 3L),
                    attrs(span(1, 5, 0, "FallbackPrimitive.execute", T0 + 600 * MS, T0 + 990 * MS)),
                    error(span(1, 6, 5, "ask_gpt", T0 + 610 * MS, T0 + 700 * MS)),
                    span(1, 7, 5, "ask_claude", T0 + 710 * MS, T0 + 980 * MS)));
            service.export(export(
                    error(span(2, 0, -1, "agent.run", T0 + 2000 * MS, T0 + 3000 * MS)),
                    error(span(2, 1, 0, "tool", T0 + 2100 * MS, T0 + 2900 * MS))));

            JsonNode recovered = service.getJson("/api/traces/" + trace(1)).get("summary");
            assertThat(recovered.get("retryAttempts").asInt()).isEqualTo(3);
            assertThat(recovered.get("retries").asInt()).isEqualTo(2);
            assertThat(recovered.get("fallbacksUsed").asInt()).isEqualTo(1);
            assertThat(recovered.get("errorCount").asInt()).isEqualTo(3);
            assertThat(recovered.get("outcome").asText()).isEqualTo("recovered");
            assertThat(service.getJson("/api/traces/" + trace(2)).get("summary").get("outcome").asText())
                    .isEqualTo("failed");

            // the list reads the stored summary: the retry count is the structural one there too
            for (JsonNode row : service.getJson("/api/traces").get("traces")) {
                if (row.get("traceId").asText().equals(trace(1))) {
                    assertThat(row.get("retries").asInt()).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void callsWithoutCountsAreNeverZeroDollarsAndModelsGroupByFamily() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            service.export(export(
                    span(3, 0, -1, "agent.run", T0, T0 + 1000 * MS),
                    // OpenInference: a counted call and a streamed one the library did not count
                    attrs(span(3, 1, 0, "ChatCompletion", T0 + 10 * MS, T0 + 200 * MS),
                            "openinference.span.kind", "LLM", "llm.model_name", "gpt-4o-mini-2024-07-18",
                            "llm.provider", "openai", "llm.token_count.prompt", 1_000_000L,
                            "llm.token_count.completion", 100_000L),
                    attrs(span(3, 2, 0, "ChatCompletion", T0 + 300 * MS, T0 + 600 * MS),
                            "openinference.span.kind", "LLM", "llm.model_name", "gpt-4o-mini", "llm.provider", "openai"),
                    attrs(span(3, 3, 0, "embeddings text-embedding-3-small", T0 + 700 * MS, T0 + 800 * MS),
                            "gen_ai.operation.name", "embeddings", "gen_ai.request.model", "text-embedding-3-small",
                            "gen_ai.usage.input_tokens", 500_000L)));

            JsonNode detail = service.getJson("/api/traces/" + trace(3));
            JsonNode summary = detail.get("summary");
            assertThat(summary.get("llmCalls").asInt()).isEqualTo(3);
            assertThat(summary.get("callsWithoutUsage").asInt()).isEqualTo(1);
            int calls = 0;
            for (JsonNode u : summary.get("modelUsage")) {
                calls += u.get("calls").asInt();
                if (u.get("model").asText().equals("gpt-4o-mini")) {
                    // dated and undated names are one model
                    assertThat(u.get("calls").asInt()).isEqualTo(2);
                    assertThat(u.get("callsWithoutUsage").asInt()).isEqualTo(1);
                }
            }
            assertThat(calls).isEqualTo(3);
            assertThat(summary.get("costStatus").asText()).isEqualTo("partial");
            // list prices: gpt-4o-mini 1M in x $0.15 + 100k out x $0.60; text-embedding-3-small 500k x $0.02
            assertThat(summary.get("costUsd").asDouble()).isCloseTo(0.15 + 0.06 + 0.01, within(1e-9));

            JsonNode streamed = null;
            JsonNode counted = null;
            for (JsonNode s : detail.get("spans")) {
                if (s.get("name").asText().equals("ChatCompletion")) {
                    if (s.get("llm").get("usageReported").asBoolean()) {
                        counted = s.get("llm");
                    } else {
                        streamed = s.get("llm");
                    }
                }
            }
            assertThat(streamed).isNotNull();
            assertThat(streamed.get("costStatus").asText()).isEqualTo("no_usage");
            assertThat(streamed.get("costUsd").isNull()).isTrue();
            assertThat(counted.get("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(counted.get("reportedModel").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
            assertThat(counted.get("costStatus").asText()).isEqualTo("priced");
            JsonNode embedding = spanNamed(detail, "embeddings text-embedding-3-small").get("llm");
            assertThat(embedding.get("costStatus").asText()).isEqualTo("priced");
            assertThat(embedding.get("costUsd").asDouble()).isCloseTo(0.01, within(1e-12));
        }
    }

    @Test
    void aTraceStoredBeforeAPriceChange_opensAtTheNewPrice() throws Exception {
        byte[] call = export(attrs(span(9, 0, -1, "chat gpt-4o-mini", T0, T0 + 100 * MS),
                "gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-4o-mini",
                "gen_ai.usage.input_tokens", 1_000_000L, "gen_ai.usage.output_tokens", 0L));
        try (RunningService service = new RunningService(dataDir)) {
            service.export(call);
            // list price: 1M in x $0.15
            assertThat(service.getJson("/api/traces/" + trace(9) + "/timeline").get("summary").get("costUsd").asDouble())
                    .isCloseTo(0.15, within(1e-12));
        }
        // the stored summary keeps the tokens; what a page shows is priced with the table in force
        Files.writeString(dataDir.resolve("prices.tsv"), "provider\tmodel\tinput_per_mtok\toutput_per_mtok"
                + "\tcached_input_per_mtok\treasoning_per_mtok\tsource\tas_of\n"
                + "openai\tgpt-4o-mini\t2.00\t8.00\t\t\tcontract\t2026-01-01\n");
        try (RunningService service = new RunningService(dataDir)) {
            for (String path : List.of("/api/traces/" + trace(9) + "/timeline", "/api/traces/" + trace(9))) {
                assertThat(service.getJson(path).get("summary").get("costUsd").asDouble()).as(path)
                        .isCloseTo(2.00, within(1e-12));
            }
            assertThat(service.getJson("/api/traces").get("traces").get(0).get("costUsd").asDouble())
                    .isCloseTo(2.00, within(1e-12));
        }
    }

    @Test
    void vercelAiSdkFactsAndMessagesSentAsLogRecords() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            service.export(export(
                    attrs(span(4, 0, -1, "ai.generateText", T0, T0 + 1000 * MS), "ai.operationId", "ai.generateText",
                            "ai.model.id", "gpt-4o-mini", "ai.model.provider", "openai.chat",
                            "ai.usage.inputTokens", 1200L, "ai.usage.outputTokens", 40L),
                    attrs(span(4, 1, 0, "ai.generateText.doGenerate", T0 + 10 * MS, T0 + 900 * MS),
                            "ai.operationId", "ai.generateText.doGenerate", "gen_ai.system", "openai.chat",
                            "gen_ai.request.model", "gpt-4o-mini", "ai.usage.inputTokens", 1200L,
                            "ai.usage.cachedInputTokens", 1024L, "ai.usage.outputTokens", 40L,
                            "ai.prompt.messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather in Paris?\"}]}]",
                            "ai.response.text", "",
                            "ai.response.toolCalls", "[{\"toolCallType\":\"function\",\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\",\"input\":\"{\\\"city\\\":\\\"Paris\\\"}\"}]"),
                    // @opentelemetry/instrumentation-openai: the span has the counts, log records the messages
                    attrs(span(4, 2, 0, "chat gpt-4o-mini", T0 + 910 * MS, T0 + 990 * MS),
                            "gen_ai.operation.name", "chat", "gen_ai.system", "openai",
                            "gen_ai.request.model", "gpt-4o-mini", "gen_ai.usage.input_tokens", 30L,
                            "gen_ai.usage.output_tokens", 6L)));
            LogRecord.Builder question = LogRecord.newBuilder().setTimeUnixNano(T0 + 911 * MS)
                    .setTraceId(id(trace(4))).setSpanId(id(span(4, 2))).setEventName("gen_ai.user.message")
                    .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                            .addValues(kv("content", "And tomorrow?"))));
            LogRecord.Builder answer = LogRecord.newBuilder().setTimeUnixNano(T0 + 989 * MS)
                    .setTraceId(id(trace(4))).setSpanId(id(span(4, 2))).addAttributes(kv("event.name", "gen_ai.choice"))
                    .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                            .addValues(kv("index", 0L))
                            .addValues(KeyValue.newBuilder().setKey("message").setValue(AnyValue.newBuilder()
                                    .setKvlistValue(KeyValueList.newBuilder().addValues(kv("content", "Sunny.")))))));
            byte[] logs = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                    .setResource(Resource.newBuilder().addAttributes(kv("service.name", "agent")))
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(answer).addLogRecords(question)))
                    .build().toByteArray();
            HttpResponse<byte[]> r = service.post("/v1/logs", "application/x-protobuf", logs);
            assertThat(r.statusCode()).isEqualTo(200);

            JsonNode detail = service.getJson("/api/traces/" + trace(4));
            assertThat(detail.get("summary").get("llmCalls").asInt()).isEqualTo(2);
            JsonNode vercel = spanNamed(detail, "ai.generateText.doGenerate").get("llm");
            assertThat(vercel.get("provider").asText()).isEqualTo("openai");
            assertThat(vercel.get("cachedInputTokens").asLong()).isEqualTo(1024);
            // gpt-4o-mini list prices: 176 x $0.15 + 1024 cached x $0.075 + 40 out x $0.60, per 1M
            assertThat(vercel.get("costUsd").asDouble()).isCloseTo((176 * 0.15 + 1024 * 0.075 + 40 * 0.60) / 1e6,
                    within(1e-15));
            assertThat(vercel.get("messages").get(0).get("content").asText()).isEqualTo("Weather in Paris?");
            JsonNode call = vercel.get("messages").get(1).get("toolCalls").get(0);
            assertThat(call.get("name").asText()).isEqualTo("get_weather");
            assertThat(call.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");

            JsonNode chat = spanNamed(detail, "chat gpt-4o-mini").get("llm").get("messages");
            assertThat(chat).hasSize(2);
            assertThat(chat.get(0).get("role").asText()).isEqualTo("user");
            assertThat(chat.get(0).get("content").asText()).isEqualTo("And tomorrow?");
            assertThat(chat.get(1).get("role").asText()).isEqualTo("assistant");
            assertThat(chat.get(1).get("content").asText()).isEqualTo("Sunny.");
        }
    }

    @Test
    void timesPast2To63AndEventsBeforeTheirSpan() throws Exception {
        long past = Long.MIN_VALUE + 1_000;   // 2^63 + 1000 ns, unsigned
        try (RunningService service = new RunningService(dataDir)) {
            service.export(export(
                    span(5, 0, -1, "far future", past, past + 5 * MS),
                    span(6, 0, -1, "skewed", T0 + 1000 * MS, T0 + 2000 * MS)
                            .addEvents(Span.Event.newBuilder().setName("retry.scheduled")
                                    .setTimeUnixNano(T0 + 1000 * MS - 429_674_000L))));

            JsonNode far = service.getJson("/api/traces/" + trace(5));
            assertThat(far.get("summary").get("startTimeUnixNano").asText()).isEqualTo("9223372036854776808");
            assertThat(far.get("summary").get("startTimeUnixNano").isNumber()).isTrue();
            assertThat(far.get("summary").get("durationMs").asDouble()).isEqualTo(5.0);
            assertThat(far.get("spans").get(0).get("endTimeUnixNano").asText()).isEqualTo("9223372036859776808");

            JsonNode event = service.getJson("/api/traces/" + trace(6)).get("spans").get(0).get("events").get(0);
            assertThat(event.get("offsetMs").asDouble()).isEqualTo(-429.674);
        }
    }
}
