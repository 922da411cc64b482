package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP TypeScript client (app/src/test/mcp-js) asks tta-obs over Streamable HTTP at
 * /mcp, and over stdio through `tta-obs mcp`, both in front of a running tta-obs and reading the
 * data directory alone. One plan calls every tool on the demo workflows; each transport must give
 * the same answers. Without the npm packages (npm ci in app/src/test/mcp-js) the test is skipped,
 * unless TTA_OBS_REQUIRE_MCP_JS=1 (as in CI) makes that a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpJsClientIT {
    static final Path JS = Path.of("src/test/mcp-js").toAbsolutePath();
    static final int BIG_SPANS = 10_000;

    @TempDir
    static Path dataDir;
    RunningService service;
    String fast;
    String slow;
    String failing;
    String fallback;
    String big;

    static void requireNodeModules() {
        NodeProject.requireInstalled(JS, "the MCP TypeScript SDK is", "TTA_OBS_REQUIRE_MCP_JS",
                "@modelcontextprotocol/sdk");
    }

    @BeforeAll
    void storeDemoWorkflows() throws Exception {
        requireNodeModules();
        service = new RunningService(dataDir);
        try (DemoWorkflows demo = new DemoWorkflows(service.url("/v1/traces"))) {
            demo.sendTour(false);
            fast = demo.researchRun("Which primitive retries?", false);
            demo.researchRun("Which primitive caches?", false);
            slow = demo.researchRun("Why is the provider slow today?", false, 3_000);
            big = demo.bigRun(BIG_SPANS);
            assertThat(demo.flush()).as("the demo traces were acknowledged").isTrue();
        }
        JsonNode traces = service.getJson("/api/traces?limit=100").get("traces");
        for (JsonNode t : traces) {
            String workflow = t.get("workflowName").asText();
            if (workflow.equals("ticket-triage")) {
                failing = t.get("traceId").asText();
            } else if (workflow.equals("summarise")) {
                fallback = t.get("traceId").asText();
            }
        }
        assertThat(traces).hasSize(9);
        // the regression verdict is kept once the slow run's spans have settled (about a second)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (service.getJson("/api/traces?regressions=true").get("traces").isEmpty()) {
            assertThat(System.nanoTime()).as("the slow run was flagged as a regression").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private ArrayNode plan() {
        ArrayNode plan = RunningService.JSON.createArrayNode();
        step(plan, "list_traces").put("limit", 3);
        step(plan, "list_traces").put("format", "json").put("limit", 100);
        step(plan, "get_trace").put("trace_id", fast);
        ObjectNode paged = step(plan, "get_trace").put("trace_id", big).put("limit", 500);
        ((ObjectNode) plan.get(plan.size() - 1)).put("pages", true);
        assertThat(paged).isNotNull();
        step(plan, "get_trace").put("trace_id", "00000000000000000000000000000bad");
        step(plan, "get_trace").put("trace_id", "not-hex");
        step(plan, "search").put("text", "lookup_customer");
        step(plan, "list_errors");
        step(plan, "llm_calls").put("format", "json");
        step(plan, "llm_calls").put("sort", "latency").put("limit", 3);
        step(plan, "workflow_stats").put("format", "json");
        step(plan, "compare_runs").put("trace_id", slow).put("baseline_trace_id", fast);
        step(plan, "compare_runs").put("trace_id", slow);
        step(plan, "regressions");
        step(plan, "llm_calls").put("trace_id", fallback).put("format", "json");
        return plan;
    }

    private static ObjectNode step(ArrayNode plan, String tool) {
        ObjectNode s = plan.addObject();
        s.put("name", tool);
        return s.putObject("arguments");
    }

    @Test
    void streamableHttp_answersEveryTool() throws Exception {
        JsonNode out = runNode(List.of("http", service.url("/mcp")), plan());
        assertAnswers(out);
    }

    @Test
    void stdio_inFrontOfTheRunningService_answersEveryTool() throws Exception {
        JsonNode out = runNode(stdio("--url=" + service.url("")), plan());
        assertAnswers(out);
    }

    @Test
    void stdio_withNoServiceRunning_readsTheDataDirectory() throws Exception {
        int nobody = RunningService.freePort();
        JsonNode out = runNode(stdio("--url=http://127.0.0.1:" + nobody, "--data-dir=" + dataDir), plan());
        assertAnswers(out);
    }

    @Test
    void getSpan_showsAttributesAndMessages_andCutsLongValues() throws Exception {
        JsonNode outline = service.getJson("/api/traces/" + fast);
        String llmSpan = null;
        for (JsonNode s : outline.get("spans")) {
            if (s.get("name").asText().equals("chat gpt-4o-mini")) {
                llmSpan = s.get("spanId").asText();
            }
        }
        ArrayNode plan = RunningService.JSON.createArrayNode();
        step(plan, "get_span").put("trace_id", fast).put("span_id", llmSpan);
        step(plan, "get_span").put("trace_id", fast).put("span_id", llmSpan).put("max_value_chars", 20).put("limit", 5);
        ((ObjectNode) plan.get(1)).put("pages", true);
        step(plan, "get_span").put("trace_id", fast).put("span_id", "00000000000000ff");
        step(plan, "list_traces").put("status", "failing").put("limit", 5);
        step(plan, "list_traces").put("bogus", 1);
        JsonNode out = runNode(List.of("http", service.url("/mcp")), plan);
        assertThat(out.has("error")).as(out.toString()).isFalse();

        String full = page(out, 0, 0).get("text").asText();
        assertThat(full).contains("gen_ai.request.model = gpt-4o-mini", "gen_ai.usage.input_tokens = 812",
                "messages (3):", "[user] Which primitive retries?", "tool_call search_docs");
        JsonNode pages = out.get("results").get(1).get("pages");
        assertThat(pages.size()).as("5 lines a page").isGreaterThan(3);
        StringBuilder all = new StringBuilder();
        pages.forEach(p -> all.append(p.get("text").asText()));
        assertThat(all.toString()).contains("…[cut ", "gen_ai.request.model = gpt-4o-mini");
        assertThat(page(out, 2, 0).get("isError").asBoolean()).isTrue();
        assertThat(page(out, 2, 0).get("text").asText()).startsWith("not_found: ");
        assertThat(text(out, 3)).isEqualTo("bad_argument: status must be one of failed, recovered, ok, error, unset, got 'failing'");
        assertThat(text(out, 4)).startsWith("bad_argument: list_traces takes no argument 'bogus'; it takes service, ");
    }

    @Test
    void stdio_answersWhatWasSentBeforeItsInputEnded() throws Exception {
        // `printf '...' | tta-obs mcp`: the requests and the end of input arrive together
        String requests = String.join("\n",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"sh\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"workflow_stats\","
                        + "\"arguments\":{\"format\":\"json\"}}}") + "\n";
        List<String> cmd = stdio("--url=" + service.url(""));
        Process p = new ProcessBuilder(cmd.subList(1, cmd.size())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(lines).hasSize(2);
        JsonNode stats = RunningService.JSON.readTree(lines.get(1));
        assertThat(stats.get("id").asInt()).isEqualTo(2);
        assertThat(stats.get("result").get("structuredContent").get("runs").asInt()).isEqualTo(9);
    }

    private List<String> stdio(String... mcpArgs) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("stdio", java, "-cp", System.getProperty("java.class.path"),
                TtaObs.class.getName(), "mcp"));
        cmd.addAll(List.of(mcpArgs));
        return cmd;
    }

    private static JsonNode page(JsonNode out, int step, int page) {
        return out.get("results").get(step).get("pages").get(page);
    }

    private static String text(JsonNode out, int step) {
        return page(out, step, 0).get("text").asText();
    }

    private void assertAnswers(JsonNode out) {
        assertThat(out.has("error")).as("the client failed: " + out.path("error").asText()).isFalse();
        assertThat(out.get("server").get("name").asText()).isEqualTo("tta-obs");
        List<String> tools = new ArrayList<>();
        for (JsonNode t : out.get("tools")) {
            tools.add(t.get("name").asText());
            assertThat(t.get("description").asText()).as(t.toString()).isNotBlank().doesNotContain("\n");
            assertThat(t.get("inputSchema").get("type").asText()).isEqualTo("object");
            // only add_feedback changes anything; McpSessionsFeedbackIT calls it and the session tools
            assertThat(t.get("annotations").get("readOnlyHint").asBoolean())
                    .isEqualTo(!t.get("name").asText().equals("add_feedback"));
        }
        assertThat(tools).containsExactly("list_traces", "get_trace", "get_span", "search", "list_errors", "llm_calls",
                "workflow_stats", "compare_runs", "regressions", "list_sessions", "get_session", "get_feedback",
                "add_feedback");

        // the price table the costs come from, as a resource
        assertThat(out.get("resources").get(0).get("uri").asText()).isEqualTo("tta-obs://prices");
        assertThat(out.get("prices").asText()).contains("gpt-4o-mini", "claude-3-5-haiku");

        // list_traces: totals first, then a page of 3 and the cursor for the rest
        String list = text(out, 0);
        assertThat(list).startsWith("3 traces on this page (9 stored), newest first\n");
        assertThat(list).contains(big, "embed-corpus").containsPattern("more: call again with cursor \\d+_" + "\\p{XDigit}{32}");
        JsonNode listJson = page(out, 1, 0).get("structured");
        assertThat(listJson.get("count").asInt()).isEqualTo(9);
        assertThat(listJson.get("nextCursor").isNull()).isTrue();

        // get_trace: the outline of a research run, model, tokens and cost on the LLM line
        String outline = text(out, 2);
        assertThat(outline).contains("trace " + fast, "workflow research", "spans 4", "llm 1 call 812→164 tok $0.000221");
        assertThat(outline).containsPattern("\\n    2 chat gpt-4o-mini 910ms - \\[llm; openai/gpt-4o-mini 812→164 tok "
                + "\\$0\\.000221\\] #\\p{XDigit}{16}\\n");
        assertThat(outline).contains("\n  1 CachePrimitive.execute ", "cache miss");

        // the 10,000-span trace, paged 500 lines at a time until the last page
        JsonNode pages = out.get("results").get(3).get("pages");
        assertThat(pages).hasSize(BIG_SPANS / 500);
        assertThat(pages.get(0).get("text").asText()).contains("spans 1-500 of 10000").contains("more: call again with cursor 500");
        assertThat(pages.get(pages.size() - 1).get("text").asText()).contains("spans 9501-10000 of 10000").endsWith("(end)\n");
        int spanLines = 0;
        for (JsonNode p : pages) {
            spanLines += (int) p.get("text").asText().lines().filter(l -> l.matches("\\s*\\d+ .* #\\p{XDigit}{16}")).count();
        }
        assertThat(spanLines).isEqualTo(BIG_SPANS);

        // unknown and malformed ids are tool errors the agent can read
        assertThat(page(out, 4, 0).get("isError").asBoolean()).isTrue();
        assertThat(text(out, 4)).startsWith("not_found: no trace 00000000000000000000000000000bad is stored");
        assertThat(text(out, 5)).startsWith("bad_argument: trace_id must be 32 hex digits");

        String search = text(out, 6);
        assertThat(search).startsWith("1 trace matches 'lookup_customer'").contains(failing, "tool.lookup_customer");

        String errors = text(out, 7);
        assertThat(errors).contains("tool.lookup_customer: IllegalStateException: customer c-# not found in CRM (HTTP #)",
                "chat gpt-4o: request timed out", failing, fallback);

        // llm_calls: the fallback's Anthropic call cost the most
        JsonNode calls = page(out, 8, 0).get("structured");
        assertThat(calls.get("calls").asInt()).isEqualTo(9);
        assertThat(calls.get("top").get(0).get("model").asText()).isEqualTo("claude-3-5-haiku");
        assertThat(calls.get("top").get(0).get("traceId").asText()).isEqualTo(fallback);
        assertThat(calls.get("top").get(0).get("costUsd").asDouble())
                .isGreaterThan(calls.get("top").get(1).get("costUsd").asDouble());
        assertThat(calls.get("failedCalls").asInt()).isEqualTo(2);
        assertThat(text(out, 9)).contains("top 3 by latency").containsPattern("\\$0\\.000221\\s+812→164\\s+3\\.00s");

        JsonNode stats = page(out, 10, 0).get("structured");
        assertThat(stats.get("runs").asInt()).isEqualTo(9);
        JsonNode research = workflow(stats, "research (research-agent)");
        assertThat(research.get("runs").asInt()).isEqualTo(6);
        assertThat(research.get("cacheHitRate").asDouble()).isBetween(0.16, 0.17);
        assertThat(workflow(stats, "ticket-triage (research-agent)").get("errorRate").asDouble()).isEqualTo(1.0);
        JsonNode summarise = workflow(stats, "summarise (research-agent)");
        assertThat(summarise.get("recoveryRate").asDouble()).isEqualTo(1.0);
        assertThat(summarise.get("errorRate").asDouble()).isZero();

        // compare_runs: the slow run against a normal one, then against its baseline; the LLM call got slower
        String vs = text(out, 11);
        assertThat(vs).contains("run " + slow + " vs " + fast, "matched 4 spans");
        assertThat(vs.substring(vs.indexOf("slower"))).containsPattern("slower[^\\n]*\\n  \\+2\\.09s  chat gpt-4o-mini  910ms → 3\\.00s");
        String baseline = text(out, 12);
        assertThat(baseline).contains("REGRESSED", "duration_ms", "span by span against the previous run");
        assertThat(baseline).containsPattern("slower[^\\n]*\\n  \\+\\d\\.\\d\\ds  chat gpt-4o-mini");

        assertThat(text(out, 13)).startsWith("1 run flagged as regressions").contains(slow, "duration_ms 3.");

        // "which LLM call in this run cost the most?"
        JsonNode ofRun = page(out, 14, 0).get("structured");
        assertThat(ofRun.get("calls").asInt()).isEqualTo(3);
        assertThat(ofRun.get("top").get(0).get("model").asText()).isEqualTo("claude-3-5-haiku");
    }

    private static JsonNode workflow(JsonNode stats, String name) {
        for (JsonNode w : stats.get("workflows")) {
            if (w.get("workflow").asText().equals(name)) {
                return w;
            }
        }
        throw new AssertionError("no workflow " + name + " in " + stats);
    }

    static JsonNode runNode(List<String> args, JsonNode plan) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "mcp-client.mjs"));
        cmd.addAll(args);
        Path err = Files.createTempFile("mcp-client", ".err");
        Process node = new ProcessBuilder(cmd).directory(JS.toFile()).redirectError(err.toFile()).start();
        node.getOutputStream().write(RunningService.JSON.writeValueAsBytes(plan));
        node.getOutputStream().close();
        byte[] out = node.getInputStream().readAllBytes();
        assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("node finished").isTrue();
        String stderr = Files.readString(err);
        assertThat(node.exitValue()).as("node failed: " + stderr).isZero();
        String json = new String(out, StandardCharsets.UTF_8);
        // kept for reading when an assertion fails
        Path keep = Path.of("target", "mcp-js-output");
        Files.createDirectories(keep);
        Files.writeString(keep.resolve(args.get(0) + "-" + System.nanoTime() + ".json"), json);
        assertThat(json).as("node printed nothing; stderr: " + stderr).isNotBlank();
        return RunningService.JSON.readTree(json);
    }
}
