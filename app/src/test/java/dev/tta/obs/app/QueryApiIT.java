package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.tta.obs.app.OtlpRequests.service;
import static dev.tta.obs.app.OtlpRequests.spanHex;
import static dev.tta.obs.app.OtlpRequests.traceHex;
import static org.assertj.core.api.Assertions.assertThat;

/** The query API over real HTTP, on data sent as real OTLP exports. */
class QueryApiIT {
    @TempDir
    Path dataDir;
    RunningService service;

    @BeforeEach
    void start() throws Exception {
        service = new RunningService(dataDir);
        // 1: checkout, 100 ms; an LLM call 10..90 and a failing tool call 20..30 under the root
        service.export(service("checkout")
                .span(1, 0, -1, "checkout-flow", 0, 100, false)
                .span(1, 1, 0, "llm.chat", 10, 90, false, "gen_ai.request.model", "gpt-4o",
                        "input.value", "Please summarize the quarterly report")
                .span(1, 2, 0, "tool.call", 20, 30, true, "http.status_code", 500L).bytes());
        // 2: agent, 50 ms
        service.export(service("agent")
                .span(2, 0, -1, "agent-run", 1000, 1050, false)
                .span(2, 1, 0, "retrieve", 1010, 1040, false, "tool", "search").bytes());
        // 3: checkout, 500 ms, one span with both attributes
        service.export(service("checkout")
                .span(3, 0, -1, "refund-flow", 2000, 2500, false)
                .span(3, 1, 0, "lookup", 2010, 2020, false, "http.status_code", 500L, "tool", "search").bytes());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private List<String> ids(String query) throws Exception {
        JsonNode page = service.getJson("/api/traces?" + query);
        List<String> ids = new ArrayList<>();
        page.get("traces").forEach(t -> ids.add(t.get("traceId").asText()));
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void everyDocumentedFilter_narrowsTheList() throws Exception {
        String t1 = traceHex(1);
        String t2 = traceHex(2);
        String t3 = traceHex(3);
        assertThat(ids("")).containsExactly(t3, t2, t1);
        assertThat(ids("name=tool.call")).containsExactly(t1);
        assertThat(ids("attr=" + enc("http.status_code=500"))).containsExactly(t3, t1);
        assertThat(ids("attr=" + enc("http.status_code=500") + "&attr=" + enc("tool=search"))).containsExactly(t3);
        assertThat(ids("q=quarterly")).containsExactly(t1);
        assertThat(ids("q=retrieve")).containsExactly(t2);
        assertThat(ids("model=gpt-4o")).containsExactly(t1);
        assertThat(ids("minDurationMs=200")).containsExactly(t3);
        assertThat(ids("maxDurationMs=60")).containsExactly(t2);
        // trace 1's tool failed under a root that ended fine: it recovered, it did not fail
        assertThat(ids("errors=true")).isEmpty();
        assertThat(ids("status=failed")).isEmpty();
        assertThat(ids("status=recovered")).containsExactly(t1);
        assertThat(ids("status=OK")).containsExactly(t3, t2);
        // outcome= is the earlier name of the same filter
        assertThat(ids("outcome=failed")).isEmpty();
        assertThat(ids("outcome=recovered")).containsExactly(t1);
        assertThat(ids("status=recovered&outcome=recovered")).containsExactly(t1);
        // the span-status values of earlier versions keep their meaning
        assertThat(ids("status=error")).containsExactly(t1);
        assertThat(ids("status=unset")).containsExactly(t3, t2);
        assertThat(ids("service=agent")).containsExactly(t2);
        assertThat(ids("start=" + (OtlpRequests.T0 + 900 * OtlpRequests.MS) + "&end="
                + (OtlpRequests.T0 + 1900 * OtlpRequests.MS))).containsExactly(t2);
        assertThat(ids("sort=duration")).containsExactly(t3, t1, t2);
        assertThat(ids("sort=oldest")).containsExactly(t1, t2, t3);
        assertThat(ids("regressions=true")).isEmpty();
        assertThat(ids("primitive=retry")).isEmpty();
        assertThat(ids("minCostUsd=0")).as("nothing is priced yet").isEmpty();
    }

    @Test
    void cursorPaging_walksEveryTraceOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = service.getJson("/api/traces?limit=1&sort=duration" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("traces").forEach(t -> seen.add(t.get("traceId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && seen.size() < 10);
        assertThat(seen).containsExactly(traceHex(3), traceHex(1), traceHex(2));
    }

    @Test
    void traceDetail_hasDepthSelfTimeAndCriticalPath() throws Exception {
        JsonNode trace = service.getJson("/api/traces/" + traceHex(1));
        JsonNode root = trace.get("spans").get(0);
        assertThat(root.get("name").asText()).isEqualTo("checkout-flow");
        assertThat(root.get("depth").asInt()).isZero();
        // 100 ms minus the children's union 10..90
        assertThat(root.get("selfTimeMs").asDouble()).isEqualTo(20.0);
        assertThat(trace.get("spans").get(1).get("depth").asInt()).isEqualTo(1);
        assertThat(trace.get("criticalPath")).extracting(JsonNode::asText)
                .containsExactly(spanHex(1, 0), spanHex(1, 1));

        JsonNode span = service.getJson("/api/traces/" + traceHex(1) + "/spans/" + spanHex(1, 2));
        assertThat(span.get("name").asText()).isEqualTo("tool.call");
        assertThat(span.get("selfTimeMs").asDouble()).isEqualTo(10.0);
        assertThat(span.get("attributes").get("http.status_code").get("value").asInt()).isEqualTo(500);
        HttpResponse<String> missing = service.get("/api/traces/" + traceHex(1) + "/spans/" + "0".repeat(15) + "9");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).get().asString().contains("application/problem+json");
    }

    @Test
    void slimTimeline_holdsWhatTheWaterfallDraws_andTheSpanDetailTheRest() throws Exception {
        JsonNode t = service.getJson("/api/traces/" + traceHex(1) + "/timeline");
        List<String> fields = new ArrayList<>();
        t.get("fields").forEach(f -> fields.add(f.asText()));
        assertThat(fields).startsWith("spanId", "parentSpanId", "depth", "name", "service");
        assertThat(t.get("summary").get("spanCount").asInt()).isEqualTo(3);
        assertThat(t.get("services")).extracting(JsonNode::asText).containsExactly("checkout");
        assertThat(t.get("criticalPath")).extracting(JsonNode::asText).containsExactly(spanHex(1, 0), spanHex(1, 1));
        assertThat(t.get("spans")).hasSize(3);
        JsonNode llm = t.get("spans").get(1);
        assertThat(llm.get(fields.indexOf("name")).asText()).isEqualTo("llm.chat");
        assertThat(llm.get(fields.indexOf("parentSpanId")).asText()).isEqualTo(spanHex(1, 0));
        assertThat(llm.get(fields.indexOf("depth")).asInt()).isEqualTo(1);
        assertThat(llm.get(fields.indexOf("startOffsetNs")).asLong()).isEqualTo(10_000_000L);
        assertThat(llm.get(fields.indexOf("durationNs")).asLong()).isEqualTo(80_000_000L);
        assertThat(llm.get(fields.indexOf("llm")).get("model").asText()).isEqualTo("gpt-4o");
        assertThat(llm.get(fields.indexOf("llm")).has("messages")).as("messages wait for the span detail").isFalse();
        JsonNode tool = t.get("spans").get(2);
        assertThat(tool.get(fields.indexOf("status")).asText()).isEqualTo("ERROR");
        // neither attributes nor their values travel with the timeline
        assertThat(t.toString()).doesNotContain("attributes").doesNotContain("quarterly report");

        JsonNode detail = service.getJson("/api/traces/" + traceHex(1) + "/spans/" + spanHex(1, 1));
        assertThat(detail.get("attributes").get("input.value").get("value").asText()).isEqualTo("Please summarize the quarterly report");
        assertThat(detail.get("llm").get("model").asText()).isEqualTo("gpt-4o");
        assertThat(detail.get("llm").get("messages").isArray()).isTrue();
        assertThat(detail.get("selfTimeMs").asDouble()).isEqualTo(80.0);

        assertThat(service.get("/api/traces/" + traceHex(9) + "/timeline").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = service.get("/api/traces/nothex/timeline");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Invalid trace id");
    }

    @Test
    void aDeletedTrace_isGoneFromTheSpanDetailToo() throws Exception {
        // the timeline remembers the layout for the span details that follow it
        assertThat(service.get("/api/traces/" + traceHex(1) + "/timeline").statusCode()).isEqualTo(200);
        assertThat(service.get("/api/traces/" + traceHex(1) + "/spans/" + spanHex(1, 2)).statusCode()).isEqualTo(200);
        assertThat(service.send(service.request("/api/traces/" + traceHex(1)).DELETE()).statusCode()).isEqualTo(204);
        assertThat(service.get("/api/traces/" + traceHex(1) + "/spans/" + spanHex(1, 2)).statusCode()).isEqualTo(404);
    }

    @Test
    void statsServicesOperations_describeWhatIsStored() throws Exception {
        JsonNode stats = service.getJson("/api/stats");
        assertThat(stats.get("traceCount").asLong()).isEqualTo(3);
        assertThat(stats.get("errorRate").asDouble()).as("no run failed").isZero();
        assertThat(stats.get("recoveryRate").asDouble()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(stats.get("p99Ms").asDouble()).isCloseTo(500, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(stats.get("avgDurationMs").asDouble()).isCloseTo(650 / 3.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(stats.has("costTodayUsd")).isTrue();
        assertThat(service.getJson("/api/services").get("services")).extracting(JsonNode::asText)
                .containsExactly("agent", "checkout");
        assertThat(service.getJson("/api/operations?service=agent").get("operations")).extracting(JsonNode::asText)
                .containsExactly("agent-run", "retrieve");
        JsonNode settings = service.getJson("/api/settings");
        assertThat(settings.get("ports").get("http").asInt()).isEqualTo(service.port);
        assertThat(settings.get("storage").asText()).contains(dataDir.toString());
        assertThat(service.getJson("/api/primitives").has("primitives")).isTrue();
        assertThat(service.getJson("/api/llm/usage?groupBy=day").has("rows")).isTrue();
    }

    @Test
    void deleteOneThenAll_isVisibleEverywhere() throws Exception {
        HttpResponse<String> deleted = service.send(service.request("/api/traces/" + traceHex(2)).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(service.get("/api/traces/" + traceHex(2)).statusCode()).isEqualTo(404);
        assertThat(service.send(service.request("/api/traces/" + traceHex(2)).DELETE()).statusCode()).isEqualTo(404);
        assertThat(ids("")).containsExactly(traceHex(3), traceHex(1));
        assertThat(service.getJson("/api/stats").get("traceCount").asLong()).isEqualTo(2);

        HttpResponse<String> all = service.send(service.request("/api/traces").DELETE());
        assertThat(RunningService.JSON.readTree(all.body()).get("deleted").asLong()).isEqualTo(2);
        assertThat(ids("")).isEmpty();
        assertThat(service.getJson("/api/stats").get("traceCount").asLong()).isZero();
    }

    @Test
    void everyError_isProblemJson_unknownRouteWrongMethodBadParameter() throws Exception {
        assertProblem(service.get("/api/no-such-thing"), 404);
        assertProblem(service.send(service.request("/api/stats").POST(HttpRequest.BodyPublishers.noBody())), 405);
        assertProblem(service.get("/api/traces?status=maybe"), 400);
        assertProblem(service.get("/api/traces?status=failing"), 400);
        assertThat(RunningService.JSON.readTree(service.get("/api/traces?status=failing").body()).get("detail").asText())
                .isEqualTo("status must be failed, recovered or ok (or error: failed or recovered), got 'failing'");
        assertProblem(service.get("/api/traces?status=failed&outcome=recovered"), 400);
        assertThat(RunningService.JSON.readTree(service.get("/api/traces?status=failed&outcome=recovered").body())
                .get("detail").asText()).contains("status=failed and outcome=recovered ask for different runs");
        assertProblem(service.get("/api/traces?outcome=failing"), 400);
        assertProblem(service.get("/api/traces?sort=random"), 400);
        assertProblem(service.get("/api/traces?limit=abc"), 400);
        assertProblem(service.get("/api/traces?attr=novalue"), 400);
        assertProblem(service.get("/api/traces?cursor=garbage"), 400);
    }

    private static void assertProblem(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        JsonNode body = RunningService.JSON.readTree(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("detail").asText()).isNotBlank();
    }

    @Test
    void llmCalls_listEveryCallWithItsFacts_sortFilterPage_andRejectBadParameters() throws Exception {
        // two more calls in a fourth trace: a dated gpt-4o snapshot with tokens, and a failed claude call
        service.export(service("agent")
                .span(4, 0, -1, "answer", 3000, 3400, false, "workflow.name", "support")
                .span(4, 1, 0, "chat", 3010, 3300, false, "gen_ai.request.model", "gpt-4o-2024-08-06",
                        "gen_ai.provider.name", "openai", "gen_ai.usage.input_tokens", 1000L,
                        "gen_ai.usage.output_tokens", 200L)
                .span(4, 2, 0, "chat", 3300, 3390, true, "gen_ai.request.model", "claude-3-5-haiku",
                        "gen_ai.provider.name", "anthropic").bytes());
        JsonNode all = service.getJson("/api/llm-calls");
        assertThat(all.get("calls")).hasSize(3);
        assertThat(all.get("nextCursor").isNull()).isTrue();
        JsonNode newest = all.get("calls").get(0);
        assertThat(newest.get("spanId").asText()).as("newest first").isEqualTo(spanHex(4, 2));
        assertThat(newest.get("status").asText()).isEqualTo("error");
        java.util.Iterator<String> fields = all.get("calls").get(1).fieldNames();
        List<String> names = new ArrayList<>();
        fields.forEachRemaining(names::add);
        assertThat(names).containsExactly("traceId", "spanId", "model", "provider", "inputTokens",
                "cachedInputTokens", "outputTokens", "reasoningTokens", "costUsd", "costStatus", "durationMs",
                "workflowName", "serviceName", "status", "startTimeUnixNano");
        JsonNode gpt = all.get("calls").get(1);
        assertThat(gpt.get("traceId").asText()).isEqualTo(traceHex(4));
        assertThat(gpt.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(gpt.get("provider").asText()).isEqualTo("openai");
        assertThat(gpt.get("inputTokens").asLong()).isEqualTo(1000);
        assertThat(gpt.get("costUsd").asDouble()).isCloseTo(0.0045, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(gpt.get("costStatus").asText()).isEqualTo("priced");
        assertThat(gpt.get("durationMs").asDouble()).isEqualTo(290.0);
        assertThat(gpt.get("workflowName").asText()).isEqualTo("support");
        assertThat(gpt.get("serviceName").asText()).isEqualTo("agent");
        assertThat(gpt.get("startTimeUnixNano").asLong()).isEqualTo(OtlpRequests.T0 + 3010 * OtlpRequests.MS);
        JsonNode noCounts = all.get("calls").get(2);
        assertThat(noCounts.get("costUsd").isNull()).as("trace 1's call sent no counts: unknown, not $0").isTrue();
        assertThat(noCounts.get("costStatus").asText()).isEqualTo("no_usage");

        assertThat(spans("/api/llm-calls?sort=cost")).containsExactly(spanHex(4, 1), spanHex(4, 2), spanHex(1, 1));
        assertThat(spans("/api/llm-calls?sort=duration&order=asc")).containsExactly(spanHex(1, 1), spanHex(4, 2),
                spanHex(4, 1));
        assertThat(spans("/api/llm-calls?model=gpt-4o")).containsExactly(spanHex(4, 1), spanHex(1, 1));
        assertThat(spans("/api/llm-calls?provider=anthropic")).containsExactly(spanHex(4, 2));
        assertThat(spans("/api/llm-calls?workflow=support&status=ok")).containsExactly(spanHex(4, 1));
        assertThat(spans("/api/llm-calls?service=checkout")).containsExactly(spanHex(1, 1));
        assertThat(spans("/api/llm-calls?traceId=" + traceHex(4) + "&sort=time&order=asc"))
                .containsExactly(spanHex(4, 1), spanHex(4, 2));
        assertThat(spans("/api/llm-calls?start=" + (OtlpRequests.T0 + 3000 * OtlpRequests.MS) + "&end="
                + (OtlpRequests.T0 + 3100 * OtlpRequests.MS))).containsExactly(spanHex(4, 1));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = service.getJson("/api/llm-calls?limit=1&sort=tokens"
                    + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            page.get("calls").forEach(c -> paged.add(c.get("spanId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && paged.size() < 10);
        assertThat(paged).containsExactlyElementsOf(spans("/api/llm-calls?sort=tokens")).hasSize(3);

        JsonNode totals = service.getJson("/api/llm-calls/totals?workflow=support");
        assertThat(totals.get("calls").asInt()).isEqualTo(2);
        assertThat(totals.get("failedCalls").asInt()).isEqualTo(1);
        assertThat(totals.get("totalTokens").asInt()).isEqualTo(1200);

        assertProblem(service.get("/api/llm-calls?sort=price"), 400);
        assertProblem(service.get("/api/llm-calls?order=up"), 400);
        assertProblem(service.get("/api/llm-calls?status=maybe"), 400);
        assertProblem(service.get("/api/llm-calls?limit=0"), 400);
        assertProblem(service.get("/api/llm-calls?traceId=xyz"), 400);
        assertProblem(service.get("/api/llm-calls?sort=cost&cursor=" + enc("12_" + traceHex(4) + "_zz")), 400);
    }

    private List<String> spans(String path) throws Exception {
        List<String> ids = new ArrayList<>();
        service.getJson(path).get("calls").forEach(c -> ids.add(c.get("spanId").asText()));
        return ids;
    }

    @Test
    void openApiDocument_isServedAndListsTheApi() throws Exception {
        HttpResponse<String> r = service.get("/api/openapi.yml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("openapi: 3").contains("/api/traces:").contains("/api/traces/{traceId}/spans/{spanId}:")
                .contains("/api/stats:").contains("/api/llm-calls:").contains("/api/llm-calls/totals:");
    }
}
