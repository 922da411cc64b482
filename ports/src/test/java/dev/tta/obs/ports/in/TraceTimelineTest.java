package dev.tta.obs.ports.in;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tta.obs.ports.contract.Fixtures.MS;
import static dev.tta.obs.ports.contract.Fixtures.T0;
import static dev.tta.obs.ports.contract.Fixtures.span;
import static dev.tta.obs.ports.contract.Fixtures.spanId;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;

class TraceTimelineTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(WorkflowRollupCalculator.NONE);

    private static Span at(int id, Integer parent, long startMs, long endMs) {
        return span(1, id, parent, "s" + id).start(T0 + startMs * MS).end(T0 + endMs * MS).build();
    }

    @Test
    void selfTime_subtractsOverlappingChildrenOnce_andIgnoresChildTimeOutsideTheParent() {
        // root 0..100; children 10..40 and 30..60 overlap (50 ms covered); a child running past the end
        List<Span> spans = List.of(at(0, null, 0, 100), at(1, 0, 10, 40), at(2, 0, 30, 60), at(3, 0, 90, 130));
        TraceTimeline t = TraceTimeline.of(ASSEMBLER.assemble(traceId(1), spans));
        assertThat(t.selfTimeNs().get(spanId(0))).isEqualTo(40 * MS);
        assertThat(t.selfTimeNs().get(spanId(1))).isEqualTo(30 * MS);
        assertThat(t.depth().get(spanId(3))).isEqualTo(1);
    }

    @Test
    void criticalPath_followsTheLastChildToFinish() {
        List<Span> spans = List.of(at(0, null, 0, 100), at(1, 0, 0, 50), at(2, 0, 10, 95), at(3, 2, 20, 90),
                at(4, 2, 20, 30));
        TraceTimeline t = TraceTimeline.of(ASSEMBLER.assemble(traceId(1), spans));
        assertThat(t.criticalPath()).containsExactly(spanId(0), spanId(2), spanId(3));
        assertThat(t.depth().get(spanId(3))).isEqualTo(2);
    }

    @Test
    void spanWhoseParentNeverArrived_isARootAtDepthZero() {
        List<Span> spans = List.of(at(5, 99, 0, 10), at(6, 5, 1, 5));
        TraceTimeline t = TraceTimeline.of(ASSEMBLER.assemble(traceId(1), spans));
        assertThat(t.depth().get(spanId(5))).isZero();
        assertThat(t.depth().get(spanId(6))).isEqualTo(1);
        assertThat(t.criticalPath()).containsExactly(spanId(5), spanId(6));
    }
}
