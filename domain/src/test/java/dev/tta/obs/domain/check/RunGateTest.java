package dev.tta.obs.domain.check;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.check.CheckResult.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunGateTest {
    private static final Optional<Double> NONE = Optional.empty();

    private static List<CheckRun> runs(int n, double ms, Double cost, long tokens, int failed, int recovered) {
        List<CheckRun> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RunOutcome o = i < failed ? RunOutcome.FAILED : i < failed + recovered ? RunOutcome.RECOVERED : RunOutcome.OK;
            out.add(new CheckRun("wf", String.format("%032x", i + 1), i, ms, Optional.ofNullable(cost), tokens, o));
        }
        return out;
    }

    private static CheckThresholds latency(double pct) {
        return new CheckThresholds(Optional.of(pct), NONE, NONE, NONE, NONE, Map.of());
    }

    private static CheckResult only(List<CheckResult> results, String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst().orElseThrow();
    }

    @Test
    void aRiseAboveTheLimit_fails_andOneWithinIt_passes() {
        WorkflowNumbers base = WorkflowNumbers.of(runs(20, 1000, 0.01, 100, 0, 0));
        RunGate gate = new RunGate(latency(20));
        CheckResult slow = only(gate.check("wf", Optional.of(base), runs(5, 1300, 0.01, 100, 0, 0), Map.of()),
                "latency p95");
        assertThat(slow.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(slow.changePercent()).contains(30.0);
        assertThat(slow.reason()).isEqualTo("latency p95 rose 30% (1.00 s → 1.30 s), more than the 20% allowed");
        CheckResult fine = only(gate.check("wf", Optional.of(base), runs(5, 1200, 0.01, 100, 0, 0), Map.of()),
                "latency p50");
        assertThat(fine.verdict()).isEqualTo(Verdict.PASS);
        assertThat(fine.reason()).startsWith("rose 20%");
        CheckResult faster = only(gate.check("wf", Optional.of(base), runs(5, 500, 0.01, 100, 0, 0), Map.of()),
                "latency p50");
        assertThat(faster.reason()).startsWith("fell 50%");
    }

    @Test
    void p95_catchesAWorseTail_thatP50Misses() {
        WorkflowNumbers base = WorkflowNumbers.of(runs(20, 1000, null, 0, 0, 0));
        List<CheckRun> current = new ArrayList<>(runs(19, 1000, null, 0, 0, 0));
        current.addAll(runs(1, 5000, null, 0, 0, 0));
        List<CheckResult> r = new RunGate(latency(20)).check("wf", Optional.of(base), current, Map.of());
        assertThat(only(r, "latency p50").verdict()).isEqualTo(Verdict.PASS);
        assertThat(only(r, "latency p95").verdict()).isEqualTo(Verdict.PASS);
        current.addAll(runs(1, 5000, null, 0, 0, 0));
        r = new RunGate(latency(20)).check("wf", Optional.of(base), current, Map.of());
        assertThat(only(r, "latency p95").verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void nothingToCompare_isSkippedWithTheReason_notPassed() {
        CheckThresholds t = new CheckThresholds(Optional.of(10.0), Optional.of(10.0), NONE, NONE, Optional.of(1.0),
                Map.of());
        List<CheckResult> r = new RunGate(t).check("wf", Optional.empty(), runs(3, 100, null, 0, 0, 0), Map.of());
        assertThat(only(r, "latency p50").verdict()).isEqualTo(Verdict.SKIP);
        assertThat(only(r, "latency p50").reason()).isEqualTo("skipped: no baseline runs to compare with");
        assertThat(only(r, "cost p95").reason()).contains("no run has a known cost");
        assertThat(only(r, "cost per run").verdict()).isEqualTo(Verdict.SKIP);
    }

    @Test
    void aRiseFromZero_failsEveryIncreaseLimit() {
        CheckThresholds t = new CheckThresholds(NONE, NONE, Optional.of(1000.0), NONE, NONE, Map.of());
        WorkflowNumbers base = WorkflowNumbers.of(runs(5, 100, null, 0, 0, 0));
        CheckResult r = only(new RunGate(t).check("wf", Optional.of(base), runs(5, 100, null, 50, 0, 0), Map.of()),
                "tokens p50");
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.changePercent()).isEmpty();
        assertThat(r.reason()).isEqualTo("tokens p50 rose from 0 to 50, more than the 1000% allowed");
    }

    @Test
    void errorRate_countsFailedRuns_notRecoveredOnes() {
        CheckThresholds t = new CheckThresholds(NONE, NONE, NONE, Optional.of(10.0), NONE, Map.of());
        CheckResult recovered = new RunGate(t).check("wf", Optional.empty(), runs(10, 1, null, 0, 1, 5), Map.of()).get(0);
        assertThat(recovered.verdict()).isEqualTo(Verdict.PASS);
        assertThat(recovered.reason()).isEqualTo("1 of 10 runs failed (10%), within the 10% allowed");
        CheckResult failing = new RunGate(t).check("wf", Optional.empty(), runs(10, 1, null, 0, 2, 0), Map.of()).get(0);
        assertThat(failing.verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void costPerRun_namesTheCostliestRun() {
        CheckThresholds t = new CheckThresholds(NONE, NONE, NONE, NONE, Optional.of(0.05), Map.of());
        List<CheckRun> current = new ArrayList<>(runs(3, 1, 0.01, 0, 0, 0));
        current.add(new CheckRun("wf", "ab".repeat(16), 9, 1, Optional.of(0.08), 0, RunOutcome.OK));
        current.add(new CheckRun("wf", "cd".repeat(16), 9, 1, Optional.empty(), 0, RunOutcome.OK));
        CheckResult r = new RunGate(t).check("wf", Optional.empty(), current, Map.of()).get(0);
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.reason()).isEqualTo("1 of 5 runs cost more than $0.0500; the costliest, $0.0800, was trace "
                + "ab".repeat(16) + " (1 runs without a known cost)");
    }

    @Test
    void minScore_failsWithoutScores_andBelowTheMinimum() {
        CheckThresholds t = new CheckThresholds(NONE, NONE, NONE, NONE, NONE, Map.of("helpfulness", 0.8));
        RunGate gate = new RunGate(t);
        assertThat(gate.check("wf", Optional.empty(), runs(2, 1, null, 0, 0, 0), Map.of()).get(0).reason())
                .isEqualTo("no scores named helpfulness on the runs in the window");
        assertThat(gate.check("wf", Optional.empty(), runs(2, 1, null, 0, 0, 0), Map.of("helpfulness", 0.7)).get(0)
                .verdict()).isEqualTo(Verdict.FAIL);
        assertThat(gate.check("wf", Optional.empty(), runs(2, 1, null, 0, 0, 0), Map.of("helpfulness", 0.8)).get(0)
                .verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void badLimits_areRefused() {
        assertThatThrownBy(() -> latency(-1)).hasMessage("--max-latency-increase must be a number >= 0, got -1.0");
        assertThatThrownBy(() -> new CheckThresholds(NONE, NONE, NONE, Optional.of(101.0), NONE, Map.of()))
                .hasMessageContaining("0 to 100");
        assertThat(new CheckThresholds(NONE, NONE, NONE, NONE, NONE, Map.of()).any()).isFalse();
    }
}
