package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.regression.BaselineKey;
import dev.tta.obs.domain.regression.RegressionReport;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.out.RegressionFlags;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RegressionMarkerTest {
    private final AtomicLong now = new AtomicLong();
    private final List<TraceId> compared = new ArrayList<>();
    private final Map<TraceId, Boolean> stored = new LinkedHashMap<>();
    private Set<TraceId> regressed = Set.of();

    private final CompareRuns compare = new CompareRuns() {
        @Override
        public Optional<BaselineComparison> compareWithBaseline(TraceId traceId) {
            compared.add(traceId);
            // a structure change is a regression only with enough earlier runs: both sides covered
            boolean bad = regressed.contains(traceId);
            return Optional.of(new BaselineComparison(new RegressionReport(new BaselineKey("root:x"), 5, true,
                    List.of(), bad ? List.of("rerank") : List.of(), List.of(), bad), Optional.empty()));
        }

        @Override
        public BaselineComparison compareWithBaseline(Trace trace) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RunDiff> diff(TraceId a, TraceId b) {
            throw new UnsupportedOperationException();
        }
    };
    private final RegressionFlags flags = stored::putAll;

    private RegressionMarker marker(int maxPending) {
        return new RegressionMarker(compare, flags, 1_000, maxPending, now::get, false);
    }

    private static List<TraceSummary> written(int... traces) {
        TraceAssembler assembler = new TraceAssembler(WorkflowRollupCalculator.NONE);
        List<TraceSummary> out = new ArrayList<>();
        for (int t : traces) {
            out.add(assembler.summarize(Fixtures.traceId(t), Fixtures.trace(t, 2, "run")));
        }
        return out;
    }

    @Test
    void aTraceIsJudgedOnceItsSpansStopArriving_andAgainWhenMoreCome() {
        RegressionMarker m = marker(100);
        regressed = Set.of(Fixtures.traceId(2));
        m.accept(written(1, 2));
        now.addAndGet(900_000_000L);
        assertThat(m.judgeSettled()).as("still within the settle time").isZero();
        m.accept(written(1));
        now.addAndGet(200_000_000L);
        assertThat(m.judgeSettled()).as("trace 2 is quiet; trace 1 just got spans").isEqualTo(1);
        assertThat(stored).containsExactly(Map.entry(Fixtures.traceId(2), true));

        now.addAndGet(1_000_000_000L);
        assertThat(m.judgeSettled()).isEqualTo(1);
        assertThat(stored).containsEntry(Fixtures.traceId(1), false);
        assertThat(compared).containsExactly(Fixtures.traceId(2), Fixtures.traceId(1));
        assertThat(m.judgeSettled()).as("nothing left").isZero();
    }

    @Test
    void beyondMaxPending_newTracesAreSkippedAndCounted() {
        RegressionMarker m = marker(2);
        m.accept(written(1, 2, 3));
        m.accept(written(1));
        assertThat(m.skipped()).isEqualTo(1);
        now.addAndGet(2_000_000_000L);
        assertThat(m.judgeSettled()).isEqualTo(2);
        assertThat(compared).containsExactly(Fixtures.traceId(2), Fixtures.traceId(1));
    }
}
