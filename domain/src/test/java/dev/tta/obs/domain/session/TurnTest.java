package dev.tta.obs.domain.session;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TestSpans;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

class TurnTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(spans -> WorkflowRollup.EMPTY);

    private static String messages(String role, String text) {
        return "[{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":\"" + text + "\"}]}]";
    }

    private static Turn turn(Span... spans) {
        Trace t = ASSEMBLER.assemble(TestSpans.TRACE, List.of(spans));
        return Turn.of(t);
    }

    @Test
    void withoutRootInputOrOutput_theFirstCallsUserMessageAndTheLastCallsAnswerAreTheTurn() {
        Span root = span("agent").time(0, 100).build();
        Span first = span("chat gpt-4o").parent(root).time(10, 20).attr("gen_ai.operation.name", "chat")
                .attr("gen_ai.input.messages", "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"be brief\"}]},"
                        + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is my order?\"}]}]")
                .attr("gen_ai.output.messages", messages("assistant", "Let me look it up."))
                .build();
        Span tool = span("execute_tool lookup").parent(root).time(21, 30).attr("gen_ai.operation.name", "execute_tool")
                .attr("gen_ai.tool.name", "lookup_order").build();
        Span again = span("execute_tool lookup").parent(root).time(31, 35).attr("gen_ai.operation.name", "execute_tool")
                .attr("gen_ai.tool.name", "lookup_order").build();
        Span second = span("chat gpt-4o").parent(root).time(40, 90).attr("gen_ai.operation.name", "chat")
                .attr("gen_ai.input.messages", messages("user", "tool said: ships today"))
                .attr("gen_ai.output.messages", messages("assistant", "It ships today."))
                .build();

        Turn t = turn(second, tool, root, again, first);
        assertThat(t.input()).contains("Where is my order?");
        assertThat(t.answer()).contains("It ships today.");
        assertThat(t.tools()).containsExactly("lookup_order");
    }

    @Test
    void theRootsOwnInputAndOutput_win_andLongTextIsCut() {
        String longAnswer = "x".repeat(Turn.MAX_TEXT + 10);
        Span root = span("agent").attr("input.value", "What is 2+2?").attr("output.value", longAnswer).build();
        Span llm = span("chat").parent(root).attr("gen_ai.operation.name", "chat")
                .attr("gen_ai.input.messages", messages("user", "internal prompt"))
                .attr("gen_ai.output.messages", messages("assistant", "4")).build();

        Turn t = turn(root, llm);
        assertThat(t.input()).contains("What is 2+2?");
        assertThat(t.answer()).hasValueSatisfying(a -> assertThat(a).hasSize(Turn.MAX_TEXT).endsWith("…"));
        assertThat(t.tools()).isEmpty();
    }

    @Test
    void aTurnWithoutMessages_hasNeither() {
        Turn t = turn(span("agent").build());
        assertThat(t.input()).isEmpty();
        assertThat(t.answer()).isEmpty();
    }
}
