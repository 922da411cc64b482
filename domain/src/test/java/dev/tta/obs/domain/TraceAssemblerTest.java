package dev.tta.obs.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TraceAssemblerTest {
    private static final TraceId TRACE = TraceId.of("0af7651916cd43dd8448eb211c80319c");
    private final TraceAssembler assembler = new TraceAssembler(WorkflowRollupCalculator.NONE);

    private static SpanId id(int n) {
        return SpanId.of(String.format("%016x", n + 1));
    }

    private static Span span(int n, Integer parent, long start, long end) {
        return Span.builder(TRACE, id(n)).parent(parent == null ? null : id(parent)).name("s" + n)
                .start(start).end(end).build();
    }

    private static List<Span> tree() {
        return List.of(
                span(0, null, 100, 1000),
                span(1, 0, 200, 400),
                span(2, 0, 150, 900),
                span(3, 1, 210, 300),
                span(4, 2, 160, 170));
    }

    @Test
    void distinct_keepsEachSpanIdOnce_theLaterEndedCopy_inFirstArrivalOrder_smallAndLarge() {
        Random r = new Random(13);
        for (int round = 0; round < 400; round++) {
            int n = r.nextInt(70);
            List<Span> spans = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // few ids for some rounds (many repeats), one per span for others (none)
                int id = round % 2 == 0 ? r.nextInt(Math.max(1, n / 3)) : i;
                spans.add(span(id, null, 100, 100 + r.nextInt(50)));
            }
            java.util.LinkedHashMap<SpanId, Span> expected = new java.util.LinkedHashMap<>();
            for (Span s : spans) {
                expected.merge(s.spanId(), s, (a, b) -> b.endTimeUnixNano() > a.endTimeUnixNano() ? b : a);
            }
            assertThat(TraceAssembler.distinct(spans)).containsExactlyElementsOf(expected.values());
        }
    }

    @Test
    void treeOrder_putsParentsFirstAndSiblingsByStart() {
        Trace trace = assembler.assemble(TRACE, tree());
        assertThat(trace.spans()).extracting(Span::name).containsExactly("s0", "s2", "s4", "s1", "s3");
    }

    @Test
    void summary_isTheSameForEveryArrivalOrderAndWithDuplicates() {
        TraceSummary expected = assembler.summarize(TRACE, tree());
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            List<Span> shuffled = new ArrayList<>(tree());
            shuffled.addAll(tree().subList(0, random.nextInt(5)));
            Collections.shuffle(shuffled, random);
            assertThat(assembler.summarize(TRACE, shuffled)).isEqualTo(expected);
            assertThat(assembler.assemble(TRACE, shuffled).spans()).isEqualTo(assembler.assemble(TRACE, tree()).spans());
        }
        assertThat(expected.spanCount()).isEqualTo(5);
        assertThat(expected.durationNanos()).isEqualTo(900);
        assertThat(expected.rootName()).isEqualTo("s0");
        assertThat(expected.rootFound()).isTrue();
    }

    @Test
    void missingRoot_namesTheTraceAfterItsEarliestSpan_andKeepsOrphansVisible() {
        List<Span> orphans = List.of(span(1, 0, 200, 400), span(3, 1, 210, 300), span(2, 0, 150, 900));
        TraceSummary summary = assembler.summarize(TRACE, orphans);
        assertThat(summary.rootFound()).isFalse();
        assertThat(summary.rootName()).isEqualTo("s2");
        assertThat(assembler.assemble(TRACE, orphans).spans()).hasSize(3);
    }

    @Test
    void parentCycle_doesNotLoseSpans() {
        List<Span> cycle = List.of(span(1, 2, 10, 20), span(2, 1, 11, 21));
        assertThat(assembler.assemble(TRACE, cycle).spans()).hasSize(2);
    }

    @Test
    void deepChain_doesNotOverflowTheStack() {
        List<Span> chain = new ArrayList<>();
        chain.add(span(0, null, 0, 100_000));
        for (int i = 1; i < 20_000; i++) {
            chain.add(span(i, i - 1, i, i + 1));
        }
        assertThat(assembler.assemble(TRACE, chain).spans()).hasSize(20_000);
    }

    @Test
    void negativeDuration_countsAsZero() {
        assertThat(span(0, null, 500, 100).durationNanos()).isZero();
    }
}
