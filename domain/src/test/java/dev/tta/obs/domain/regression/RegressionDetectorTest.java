package dev.tta.obs.domain.regression;

import dev.tta.obs.domain.TestSpans;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.ModelUsage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RegressionDetectorTest {
    private static final Map<String, Integer> USUAL_SPANS = Map.of("run", 1, "CachePrimitive.execute", 1, "chat", 2);
    private static final RegressionThresholds THRESHOLDS = new RegressionThresholds(1.5, 1.5, 1.25, 1, true, 3);

    @Test
    void steadyRunIsNotARegression() {
        RegressionReport r = RegressionDetector.compare(run("wf", 1000, 5000, 0.05, 0, USUAL_SPANS), baseline(), THRESHOLDS);
        assertThat(r.enoughBaseline()).isTrue();
        assertThat(r.baselineRuns()).isEqualTo(5);
        assertThat(r.regressed()).isFalse();
        assertThat(r.findings()).extracting(RegressionReport.Finding::metric).containsExactly(
                RegressionReport.Metric.DURATION_MS, RegressionReport.Metric.TOTAL_TOKENS,
                RegressionReport.Metric.COST_USD, RegressionReport.Metric.ERRORS);
    }

    @Test
    void slowerThanThresholdTimesTheMedianIsFlaggedWithHowMuch() {
        RegressionReport r = RegressionDetector.compare(run("wf", 1800, 5000, 0.05, 0, USUAL_SPANS), baseline(), THRESHOLDS);
        assertThat(r.regressed()).isTrue();
        assertThat(r.regressions()).singleElement().satisfies(f -> {
            assertThat(f.metric()).isEqualTo(RegressionReport.Metric.DURATION_MS);
            assertThat(f.baselineMedian()).isEqualTo(1000.0);
            assertThat(f.increasePercent().orElseThrow()).isCloseTo(80.0, within(1e-9));
        });
    }

    @Test
    void oneSlowOutlierInTheBaselineDoesNotHideARegression() {
        List<RunProfile> previous = new ArrayList<>(baseline());
        previous.add(run("wf", 60_000, 5000, 0.05, 0, USUAL_SPANS));
        RegressionReport r = RegressionDetector.compare(run("wf", 1600, 5000, 0.05, 0, USUAL_SPANS), previous, THRESHOLDS);
        assertThat(r.regressions()).extracting(RegressionReport.Finding::metric)
                .containsExactly(RegressionReport.Metric.DURATION_MS);
    }

    @Test
    void costAndTokenIncreasesAreFlaggedByTheirOwnThresholds() {
        RegressionReport r = RegressionDetector.compare(run("wf", 1000, 6000, 0.07, 0, USUAL_SPANS), baseline(), THRESHOLDS);
        // tokens 1.2x (under 1.5x), cost 1.4x (over 1.25x)
        assertThat(r.regressions()).extracting(RegressionReport.Finding::metric)
                .containsExactly(RegressionReport.Metric.COST_USD);
    }

    @Test
    void unknownCostIsNotComparedAsZero() {
        RegressionReport r = RegressionDetector.compare(run("wf", 1000, 5000, -1, 0, USUAL_SPANS), baseline(), THRESHOLDS);
        assertThat(r.findings()).extracting(RegressionReport.Finding::metric)
                .doesNotContain(RegressionReport.Metric.COST_USD);
        assertThat(r.regressed()).isFalse();
    }

    @Test
    void newErrorsAreFlagged() {
        RegressionReport r = RegressionDetector.compare(run("wf", 1000, 5000, 0.05, 2, USUAL_SPANS), baseline(), THRESHOLDS);
        assertThat(r.regressions()).extracting(RegressionReport.Finding::metric)
                .containsExactly(RegressionReport.Metric.ERRORS);
    }

    @Test
    void spansThatAppearOrDisappearChangeTheStructure() {
        Map<String, Integer> changed = Map.of("run", 1, "chat", 2, "FallbackPrimitive.execute", 1);
        RegressionReport r = RegressionDetector.compare(run("wf", 1000, 5000, 0.05, 0, changed), baseline(), THRESHOLDS);
        assertThat(r.addedSpanNames()).containsExactly("FallbackPrimitive.execute");
        assertThat(r.missingSpanNames()).containsExactly("CachePrimitive.execute");
        assertThat(r.structureChanged()).isTrue();
        assertThat(r.regressed()).isTrue();

        RegressionThresholds ignoreStructure = new RegressionThresholds(1.5, 1.5, 1.25, 1, false, 3);
        assertThat(RegressionDetector.compare(run("wf", 1000, 5000, 0.05, 0, changed), baseline(), ignoreStructure)
                .regressed()).isFalse();
    }

    @Test
    void tooFewPreviousRunsGiveNoVerdict() {
        RegressionReport r = RegressionDetector.compare(run("wf", 9000, 50_000, 5.0, 3, USUAL_SPANS),
                baseline().subList(0, 2), THRESHOLDS);
        assertThat(r.enoughBaseline()).isFalse();
        assertThat(r.regressed()).isFalse();
        assertThat(r.findings()).isNotEmpty();
    }

    @Test
    void runsOfOtherWorkflowsAreNotPartOfTheBaseline() {
        List<RunProfile> previous = new ArrayList<>(baseline());
        for (int i = 0; i < 5; i++) {
            previous.add(run("other", 100, 10, 0.001, 0, USUAL_SPANS));
        }
        RegressionReport r = RegressionDetector.compare(run("wf", 1000, 5000, 0.05, 0, USUAL_SPANS), previous, THRESHOLDS);
        assertThat(r.baselineRuns()).isEqualTo(5);
        assertThat(r.regressed()).isFalse();
    }

    @Test
    void withoutAWorkflowNameTheKeyIsServiceAndRootName() {
        TraceSummary a = summary(Optional.empty(), "svc-a", "main", 1000, 0, 0, 0);
        TraceSummary b = summary(Optional.empty(), "svc-b", "main", 1000, 0, 0, 0);
        assertThat(BaselineKey.of(a)).isNotEqualTo(BaselineKey.of(b));
        assertThat(BaselineKey.of(summary(Optional.of("x"), "svc-a", "main", 1, 0, 0, 0)).value()).isEqualTo("workflow:x");
    }

    @Test
    void profileCountsSpanNamesOnceEvenWhenABatchWasResent() {
        var root = TestSpans.span("run").build();
        var chat = TestSpans.span("chat").parent(root).build();
        var chat2 = TestSpans.span("chat").parent(root).build();
        RunProfile p = RunProfile.of(summary(Optional.of("wf"), "svc", "run", 1, 0, 0, 0),
                List.of(root, chat, chat2, chat, root));
        assertThat(p.spanNames()).containsExactlyInAnyOrderEntriesOf(Map.of("run", 1, "chat", 2));
    }

    private static List<RunProfile> baseline() {
        return List.of(
                run("wf", 900, 4800, 0.048, 0, USUAL_SPANS),
                run("wf", 1000, 5000, 0.05, 0, USUAL_SPANS),
                run("wf", 1100, 5200, 0.052, 0, USUAL_SPANS),
                run("wf", 950, 4900, 0.049, 1, USUAL_SPANS),
                run("wf", 1050, 5100, 0.051, 0, USUAL_SPANS));
    }

    /** A run; a negative cost means "unknown". */
    private static RunProfile run(String workflow, long durationMs, long tokens, double cost, int errors,
                                  Map<String, Integer> spans) {
        return new RunProfile(summary(Optional.of(workflow), "svc", "run", durationMs, tokens, cost, errors), spans);
    }

    private static TraceSummary summary(Optional<String> workflow, String service, String root, long durationMs,
                                        long tokens, double cost, int errors) {
        Optional<Double> costUsd = cost >= 0 && tokens > 0 ? Optional.of(cost) : Optional.empty();
        List<ModelUsage> usage = tokens > 0
                ? List.of(new ModelUsage("openai", "gpt-4o", 1, tokens / 2, 0, tokens - tokens / 2, 0, 0, Optional.empty()))
                : List.of();
        WorkflowRollup rollup = new WorkflowRollup(List.of(), 0, 0, 0, 0, 0, 0, 1, tokens / 2, tokens - tokens / 2, 0, 0,
                costUsd, costUsd.isPresent() ? CostStatus.PRICED : CostStatus.UNPRICED, List.of(), usage,
                Optional.empty(), workflow, Optional.empty());
        return new TraceSummary(TestSpans.TRACE, root, service, 0, durationMs * 1_000_000, 3, errors, true,
                List.of(service), rollup);
    }
}
