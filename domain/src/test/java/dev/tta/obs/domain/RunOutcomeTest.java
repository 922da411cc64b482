package dev.tta.obs.domain;

import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunOutcomeTest {
    private final TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));

    private TraceSummary summarize(Span... spans) {
        return assembler.summarize(TestSpans.TRACE, List.of(spans));
    }

    @Test
    void aRunThatAnsweredAfterARetryAndAFallbackRecovered() {
        Span root = span("agent.run").time(0, 1_000).build();
        Span retry = span("RetryPrimitive.execute").parent(root).time(10, 400).attr("retry.final_attempts", 2L).build();
        Span attempt1 = span("tool.attempt").parent(retry).time(20, 100).attr("retry.attempt", 1L).error("503").build();
        Span attempt2 = span("tool.attempt").parent(retry).time(120, 300).attr("retry.attempt", 2L).build();
        Span fallback = span("FallbackPrimitive.execute").parent(root).time(500, 990).build();
        Span primary = span("gpt").parent(fallback).time(510, 600).error("429").build();
        Span secondary = span("claude").parent(fallback).time(610, 980).build();

        TraceSummary s = summarize(root, retry, attempt1, attempt2, fallback, primary, secondary);
        assertThat(s.errorCount()).isEqualTo(2);
        assertThat(s.outcome()).isEqualTo(RunOutcome.RECOVERED);
    }

    @Test
    void anErrorThatReachedTheRootFailedTheRun() {
        Span root = span("agent.run").error("tool failed").build();
        Span child = span("tool").parent(root).error("tool failed").build();
        assertThat(summarize(root, child).outcome()).isEqualTo(RunOutcome.FAILED);

        Span primitiveRoot = span("SequentialPrimitive.execute").attr("primitive.status", "error").build();
        assertThat(summarize(primitiveRoot).outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(summarize(primitiveRoot).errorCount()).isZero();

        Span escaped = span("main").event("exception", Attributes.builder().put("exception.type", "ValueError")
                .put("exception.escaped", true).build()).build();
        assertThat(summarize(escaped).outcome()).isEqualTo(RunOutcome.FAILED);
        Span handled = span("main").event("exception", Attributes.builder().put("exception.type", "ValueError")
                .build()).build();
        assertThat(summarize(handled).outcome()).isEqualTo(RunOutcome.OK);
    }

    @Test
    void withoutTheRootTheTopOfWhatArrivedDecides() {
        SpanId missingRoot = TestSpans.newSpanId();
        Span top = span("step").parent(missingRoot).error("boom").build();
        assertThat(summarize(top).outcome()).isEqualTo(RunOutcome.FAILED);

        Span okTop = span("step").parent(missingRoot).build();
        Span failedInside = span("call").parent(okTop).error("boom").build();
        assertThat(summarize(okTop, failedInside).outcome()).isEqualTo(RunOutcome.RECOVERED);
    }

    @Test
    void noErrorIsOk() {
        assertThat(summarize(span("run").build()).outcome()).isEqualTo(RunOutcome.OK);
    }

    @Test
    void labelsParseBackAndAnythingElseIsRefusedClearly() {
        for (RunOutcome o : RunOutcome.values()) {
            assertThat(RunOutcome.parse(o.label().toUpperCase())).isEqualTo(o);
        }
        assertThatThrownBy(() -> RunOutcome.parse("broken")).hasMessage("'broken' is not a run outcome (ok, recovered or failed)");
    }

    @Test
    void timesPast2To63NanosAreLaterNotNegative() {
        long past = Long.MIN_VALUE + 1_000;   // 2^63 + 1000 ns as unsigned
        Span root = span("far future").time(past, past + 5_000_000).build();
        Span earlier = span("before").parent(root).time(Long.MAX_VALUE - 10, Long.MAX_VALUE).build();
        TraceSummary s = summarize(root, earlier);
        assertThat(Long.toUnsignedString(s.startTimeUnixNano())).isEqualTo(Long.toUnsignedString(Long.MAX_VALUE - 10));
        assertThat(s.endTimeUnixNano()).isEqualTo(past + 5_000_000);
        assertThat(s.durationNanos()).isEqualTo(5_000_000 + 1_000 + 11);
    }
}
