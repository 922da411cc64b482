package dev.tta.obs.adapters.mcp;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which tools say they change data, and that a caller who may not write is refused before anything runs. */
class McpServersTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    // no port is reached on these paths: a refused call must not get as far as the store
    private static TraceTools tools(Optional<String> writesRefused) {
        return new TraceTools(null, null, null, null, null, Clock.systemUTC(), writesRefused);
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void onlyAddFeedback_isAnnotatedAsChangingData() {
        TraceTools tools = tools(Optional.empty());
        for (Tool t : tools.tools()) {
            McpSchema.ToolAnnotations a = McpServers.describe(t).annotations();
            assertThat(a.readOnlyHint()).as(t.name()).isEqualTo(!t.name().equals("add_feedback"));
            assertThat(a.idempotentHint()).as(t.name()).isEqualTo(!t.name().equals("add_feedback"));
            assertThat(a.destructiveHint()).as(t.name()).isFalse();
        }
        assertThat(tools.tools()).extracting(Tool::name)
                .contains("list_sessions", "get_session", "get_feedback", "add_feedback");
    }

    @Test
    void aCallerWhoMayNotWrite_isRefusedAddFeedback_withTheReason() {
        Map<String, Object> args = Map.of("trace_id", TRACE, "name", "correctness", "score", 1);
        McpSchema.CallToolResult r = McpServers.call(tools(Optional.empty()), "add_feedback", args,
                tool -> Optional.of("a viewer key can only read; " + tool + " changes data"));
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).isEqualTo("forbidden: a viewer key can only read; add_feedback changes data");
        assertThat(r.structuredContent()).isEqualTo(Map.of("error", "forbidden",
                "message", "a viewer key can only read; add_feedback changes data"));

        McpSchema.CallToolResult local = McpServers.call(tools(Optional.of("the data directory is read-only")),
                "add_feedback", args);
        assertThat(text(local)).isEqualTo("forbidden: the data directory is read-only");
    }

    @Test
    void aReadingTool_neverAsksWhetherTheCallerMayWrite() {
        McpSchema.CallToolResult r = McpServers.call(tools(Optional.of("read-only")), "get_feedback",
                Map.of("trace_id", "not-hex"), tool -> {
                    throw new AssertionError("asked about " + tool);
                });
        assertThat(text(r)).isEqualTo("bad_argument: trace_id must be 32 hex digits, got 'not-hex'");
    }

    @Test
    void aFeedbackLine_saysPolarityNameScoreLabelWhoWhenAndWhy() {
        Feedback f = new Feedback(7, TraceId.of(TRACE), Optional.of(SpanId.of("00f067aa0ba902b7")), "correctness",
                Optional.of(0.0), Optional.of("fail"), Optional.of("line one\nline two"), "ci-eval",
                1_780_000_000_000_000_000L, false);
        assertThat(SessionTools.line(f)).isEqualTo("- correctness score=0 label=fail (ci-eval, 2026-05-28T20:26:40Z, "
                + "span 00f067aa0ba902b7) #7 \"line one line two\"");
        Feedback thumbs = new Feedback(8, TraceId.of(TRACE), Optional.empty(), "user-rating", Optional.of(0.75),
                Optional.empty(), Optional.empty(), "mcp", 0, false);
        assertThat(SessionTools.line(thumbs)).isEqualTo("+ user-rating score=0.75 (mcp, 1970-01-01T00:00:00Z) #8");
    }
}
