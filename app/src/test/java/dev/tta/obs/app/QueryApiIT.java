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
    void openApiDocument_isServedAndListsTheApi() throws Exception {
        HttpResponse<String> r = service.get("/api/openapi.yml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("openapi: 3").contains("/api/traces:").contains("/api/traces/{traceId}/spans/{spanId}:")
                .contains("/api/stats:");
    }
}
