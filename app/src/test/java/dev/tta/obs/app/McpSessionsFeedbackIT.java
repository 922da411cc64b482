package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session and feedback tools through the official MCP TypeScript client (as McpJsClientIT):
 * a coding agent reads a support conversation turn by turn, judges a turn, and reads the
 * judgement back; the answers carry the fields of {@code /api/sessions} and
 * {@code /api/traces/{id}/feedback}. Over stdio on the data directory alone (read-only) the
 * feedback is readable and adding is refused with a reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpSessionsFeedbackIT {
    @TempDir
    static Path dataDir;
    RunningService service;
    String firstTurn;
    String secondTurn;
    String otherSession;
    String toolSpan;

    @BeforeAll
    void storeConversations() throws Exception {
        McpJsClientIT.requireNodeModules();
        service = new RunningService(dataDir);
        try (DemoWorkflows demo = new DemoWorkflows(service.url("/v1/traces"))) {
            firstTurn = demo.supportTurn("conv-42", "ann@example.com", "Where is order 1234?",
                    "Order 1234 left the warehouse yesterday.");
            secondTurn = demo.supportTurn("conv-42", "ann@example.com", "Can I change the address?",
                    "Yes, until it is handed to the courier.");
            otherSession = demo.supportTurn("conv-7", "bob", "Is the shop open on Sunday?", "Yes, from 10 to 4.");
            assertThat(demo.flush()).as("the turns were acknowledged").isTrue();
        }
        for (JsonNode s : service.getJson("/api/traces/" + firstTurn).get("spans")) {
            if (s.get("name").asText().equals("tool.lookup_order")) {
                toolSpan = s.get("spanId").asText();
            }
        }
        assertThat(toolSpan).isNotNull();
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static ObjectNode step(ArrayNode plan, String tool) {
        ObjectNode s = plan.addObject();
        s.put("name", tool);
        return s.putObject("arguments");
    }

    private static JsonNode page(JsonNode out, int step) {
        return out.get("results").get(step).get("pages").get(0);
    }

    @Test
    void anAgentReadsAConversation_judgesATurn_andReadsTheJudgementBack() throws Exception {
        ArrayNode plan = RunningService.JSON.createArrayNode();
        step(plan, "list_sessions").put("format", "json");
        step(plan, "list_sessions").put("limit", 1);
        step(plan, "get_session").put("session_id", "conv-42").put("format", "json");
        step(plan, "add_feedback").put("trace_id", firstTurn).put("name", "user-rating").put("label", "down")
                .put("comment", "it gave the wrong order's status").put("format", "json");
        step(plan, "add_feedback").put("trace_id", firstTurn).put("span_id", toolSpan).put("name", "correctness")
                .put("score", 0.25);
        step(plan, "get_feedback").put("trace_id", firstTurn).put("format", "json");
        step(plan, "get_session").put("session_id", "conv-42");
        JsonNode out = McpJsClientIT.runNode(List.of("http", service.url("/mcp")), plan);
        assertThat(out.has("error")).as(out.toString()).isFalse();

        JsonNode addTool = null;
        for (JsonNode t : out.get("tools")) {
            if (t.get("name").asText().equals("add_feedback")) {
                addTool = t;
            } else {
                assertThat(t.get("annotations").get("readOnlyHint").asBoolean()).as(t.toString()).isTrue();
            }
        }
        assertThat(addTool).as("add_feedback is listed").isNotNull();
        assertThat(addTool.get("annotations").get("readOnlyHint").asBoolean()).isFalse();
        assertThat(addTool.get("annotations").get("destructiveHint").asBoolean()).isFalse();

        // the session list: the fields of GET /api/sessions, row by row
        JsonNode sessions = page(out, 0).get("structured").get("sessions");
        JsonNode rest = service.getJson("/api/sessions").get("sessions");
        assertThat(sessions).hasSize(2);
        assertSameFields(rest, sessions);
        assertThat(sessions.get(0).get("sessionId").asText()).isEqualTo("conv-7");
        assertThat(sessions.get(1).get("traceCount").asInt()).isEqualTo(2);

        String firstPage = page(out, 1).get("text").asText();
        assertThat(firstPage).startsWith("1 session on this page, newest first\n").contains("conv-7", "bob")
                .containsPattern("more: call again with cursor \\S+");

        // the conversation, turn by turn, as GET /api/sessions/conv-42 sees it before the feedback
        JsonNode conversation = page(out, 2).get("structured");
        assertThat(conversation.get("sessionId").asText()).isEqualTo("conv-42");
        assertThat(conversation.get("userId").asText()).isEqualTo("ann@example.com");
        JsonNode turns = conversation.get("traces");
        assertThat(turns).hasSize(2);
        assertThat(turns.get(0).get("traceId").asText()).isEqualTo(firstTurn);
        assertThat(turns.get(0).get("input").asText()).isEqualTo("Where is order 1234?");
        assertThat(turns.get(0).get("output").asText()).isEqualTo("Order 1234 left the warehouse yesterday.");
        assertThat(turns.get(0).get("tools").get(0).asText()).isEqualTo("lookup_order");
        assertThat(turns.get(0).get("feedback")).isEmpty();
        assertThat(turns.get(1).get("traceId").asText()).isEqualTo(secondTurn);

        // the judgement: stored as the REST API stores it, source mcp
        JsonNode added = page(out, 3).get("structured");
        assertThat(page(out, 3).get("isError").asBoolean()).isFalse();
        assertThat(added.get("source").asText()).isEqualTo("mcp");
        assertThat(added.get("polarity").asText()).isEqualTo("negative");
        assertThat(added.get("spanId").isNull()).isTrue();
        assertThat(page(out, 4).get("text").asText())
                .startsWith("stored feedback ").contains(" span " + toolSpan + ": - correctness score=0.25 (mcp, ");

        JsonNode feedback = page(out, 5).get("structured").get("feedback");
        JsonNode restFeedback = service.getJson("/api/traces/" + firstTurn + "/feedback").get("feedback");
        assertThat(feedback).hasSize(2);
        assertSameFields(restFeedback, feedback);
        assertThat(feedback.get(0).get("id").asLong()).isEqualTo(added.get("id").asLong());
        assertThat(feedback.get(1).get("spanId").asText()).isEqualTo(toolSpan);

        String read = page(out, 6).get("text").asText();
        assertThat(read).startsWith("session conv-42  user ann@example.com  turns 2 ")
                .contains("#1 " + firstTurn, "   asked: Where is order 1234?",
                        "   answered: Order 1234 left the warehouse yesterday.", "   tools: lookup_order",
                        "   feedback: - user-rating label=down (mcp, ", "\"it gave the wrong order's status\"",
                        "#2 " + secondTurn)
                .endsWith("(end)\n");
    }

    @Test
    void wrongArguments_areToolErrorsTheAgentCanRead_andStoreNothing() throws Exception {
        ArrayNode plan = RunningService.JSON.createArrayNode();
        step(plan, "add_feedback").put("trace_id", otherSession).put("name", "user-rating");
        step(plan, "add_feedback").put("trace_id", otherSession).put("name", "x").put("score", 1)
                .put("span_id", "00000000000000ff");
        step(plan, "add_feedback").put("trace_id", "00000000000000000000000000000bad").put("name", "x").put("score", 1);
        step(plan, "add_feedback").put("trace_id", otherSession).put("name", "x").put("score", "lots");
        step(plan, "get_session").put("session_id", "conv-0");
        step(plan, "list_sessions").put("status", "failing");
        step(plan, "get_feedback").put("trace_id", otherSession);
        JsonNode out = McpJsClientIT.runNode(List.of("http", service.url("/mcp")), plan);
        assertThat(out.has("error")).as(out.toString()).isFalse();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            assertThat(page(out, i).get("isError").asBoolean()).as("step " + i).isTrue();
            texts.add(page(out, i).get("text").asText());
        }
        assertThat(texts).containsExactly(
                "bad_argument: feedback needs a score or a label (or both)",
                "not_found: trace " + otherSession + " has no span 00000000000000ff",
                "not_found: no trace 00000000000000000000000000000bad is stored",
                "bad_argument: score must be a finite number, got 'lots'",
                "not_found: no stored trace has session id 'conv-0'",
                "bad_argument: status must be one of failed, recovered, ok, got 'failing'");
        assertThat(page(out, 6).get("text").asText()).isEqualTo("0 feedback items on trace " + otherSession + "\n");
    }

    @Test
    void overStdio_onTheDataDirectoryAlone_feedbackIsReadable_andAddingIsRefused() throws Exception {
        JsonNode viaHttp = McpJsClientIT.runNode(List.of("http", service.url("/mcp")),
                plan(step -> step.put("trace_id", secondTurn).put("name", "helpfulness").put("score", 1)));
        assertThat(page(viaHttp, 0).get("isError").asBoolean()).as(viaHttp.toString()).isFalse();

        int nobody = RunningService.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        JsonNode out = McpJsClientIT.runNode(List.of("stdio", java, "-cp", System.getProperty("java.class.path"),
                TtaObs.class.getName(), "mcp", "--url=http://127.0.0.1:" + nobody, "--data-dir=" + dataDir),
                plan(step -> step.put("trace_id", secondTurn).put("name", "again").put("score", 0)));
        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(page(out, 0).get("isError").asBoolean()).isTrue();
        assertThat(page(out, 0).get("text").asText()).isEqualTo("forbidden: tta-obs is reading " + dataDir
                + " read-only (no tta-obs service answered); start it (tta-obs start) to add feedback");
        JsonNode items = page(out, 1).get("structured").get("feedback");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("name").asText()).isEqualTo("helpfulness");
        assertThat(page(out, 2).get("structured").get("traces").get(1).get("feedback")).hasSize(1);
    }

    /** add_feedback with these arguments, then get_feedback and get_session of the second turn, as JSON. */
    private ArrayNode plan(java.util.function.Consumer<ObjectNode> add) {
        ArrayNode plan = RunningService.JSON.createArrayNode();
        add.accept(step(plan, "add_feedback"));
        step(plan, "get_feedback").put("trace_id", secondTurn).put("format", "json");
        step(plan, "get_session").put("session_id", "conv-42").put("format", "json");
        return plan;
    }

    /** The same rows with the same field names in the same order and equal values (numbers as numbers). */
    private static void assertSameFields(JsonNode expected, JsonNode actual) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            JsonNode a = actual.get(i);
            List<String> names = new ArrayList<>();
            e.fieldNames().forEachRemaining(names::add);
            List<String> got = new ArrayList<>();
            a.fieldNames().forEachRemaining(got::add);
            assertThat(got).as("fields of row " + i).containsExactlyElementsOf(names);
            for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
                String f = it.next();
                if (e.get(f).isNumber()) {
                    assertThat(a.get(f).asDouble()).as(f).isEqualTo(e.get(f).asDouble());
                } else {
                    assertThat(a.get(f)).as(f).isEqualTo(e.get(f));
                }
            }
        }
    }
}
