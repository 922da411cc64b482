package dev.tta.obs.domain.regression;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Compares a run with the previous runs of the same workflow. Medians, not means, so that one
 * pathological run in the baseline does not hide or fake a regression. Pure: the caller picks the
 * previous runs (same {@link BaselineKey}, newest N) and the thresholds.
 */
public final class RegressionDetector {
    private RegressionDetector() {
    }

    public static RegressionReport compare(RunProfile run, List<RunProfile> previous, RegressionThresholds t) {
        BaselineKey key = run.key();
        List<RunProfile> baseline = previous.stream().filter(p -> p.key().equals(key)).toList();
        boolean enough = baseline.size() >= t.minimumBaseline();
        List<RegressionReport.Finding> findings = new ArrayList<>();
        if (baseline.isEmpty()) {
            return new RegressionReport(key, 0, false, findings, List.of(), List.of(), false);
        }
        findings.add(ratioFinding(RegressionReport.Metric.DURATION_MS, run.durationNanos() / 1e6,
                median(baseline, p -> p.durationNanos() / 1e6), t.durationRatio(), enough));
        findings.add(ratioFinding(RegressionReport.Metric.TOTAL_TOKENS, run.totalTokens(),
                median(baseline, RunProfile::totalTokens), t.tokensRatio(), enough));
        List<RunProfile> costed = baseline.stream().filter(p -> p.costUsd().isPresent()).toList();
        // cost is comparable only when both sides know it; an unpriced model is not a free run
        if (run.costUsd().isPresent() && costed.size() * 2 > baseline.size()) {
            findings.add(ratioFinding(RegressionReport.Metric.COST_USD, run.costUsd().get(),
                    median(costed, p -> p.costUsd().orElseThrow()), t.costRatio(), enough));
        }
        double medianErrors = median(baseline, RunProfile::errors);
        findings.add(new RegressionReport.Finding(RegressionReport.Metric.ERRORS, medianErrors, run.errors(),
                medianErrors > 0 ? Optional.of(run.errors() / medianErrors) : Optional.empty(),
                enough && run.errors() >= medianErrors + t.extraErrors()));

        TreeSet<String> names = new TreeSet<>(run.spanNames().keySet());
        baseline.forEach(p -> names.addAll(p.spanNames().keySet()));
        List<String> added = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            int count = run.spanNames().getOrDefault(name, 0);
            double usual = median(baseline, p -> p.spanNames().getOrDefault(name, 0));
            if (count > 0 && usual == 0) {
                added.add(name);
            } else if (count == 0 && usual > 0) {
                missing.add(name);
            }
        }
        boolean structure = enough && t.flagStructure() && (!added.isEmpty() || !missing.isEmpty());
        return new RegressionReport(key, baseline.size(), enough, findings, added, missing, structure);
    }

    private static RegressionReport.Finding ratioFinding(RegressionReport.Metric metric, double actual, double median,
                                                         double threshold, boolean enough) {
        if (median <= 0) {
            // from nothing to something is a change worth showing, but has no ratio
            return new RegressionReport.Finding(metric, median, actual, Optional.empty(), enough && actual > 0);
        }
        double ratio = actual / median;
        return new RegressionReport.Finding(metric, median, actual, Optional.of(ratio), enough && ratio >= threshold);
    }

    static double median(List<RunProfile> runs, ToDoubleFunction<RunProfile> value) {
        double[] v = runs.stream().mapToDouble(value).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
