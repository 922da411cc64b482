package dev.tta.obs.domain.regression;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run compared with the median of its previous runs.
 *
 * @param baselineRuns     how many previous runs the medians come from
 * @param enoughBaseline   false when there were too few previous runs to judge; then nothing is flagged
 * @param findings         one per compared metric, regressed or not
 * @param addedSpanNames   span names in this run that the baseline's median run does not have, sorted
 * @param missingSpanNames span names the baseline's median run has and this run lacks, sorted
 */
public record RegressionReport(BaselineKey key, int baselineRuns, boolean enoughBaseline, List<Finding> findings,
                               List<String> addedSpanNames, List<String> missingSpanNames, boolean structureChanged) {
    public RegressionReport {
        Objects.requireNonNull(key, "key");
        findings = List.copyOf(findings);
        addedSpanNames = List.copyOf(addedSpanNames);
        missingSpanNames = List.copyOf(missingSpanNames);
    }

    /** Whether anything regressed: a metric over its threshold, or (when flagged) the span structure. */
    public boolean regressed() {
        return structureChanged || findings.stream().anyMatch(Finding::regressed);
    }

    public List<Finding> regressions() {
        return findings.stream().filter(Finding::regressed).toList();
    }

    public enum Metric { DURATION_MS, TOTAL_TOKENS, COST_USD, ERRORS }

    /**
     * One metric against its baseline.
     *
     * @param ratio actual / median; empty when the median is zero
     */
    public record Finding(Metric metric, double baselineMedian, double actual, Optional<Double> ratio,
                          boolean regressed) {
        public Finding {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(ratio, "ratio");
        }

        /** How much worse in percent, e.g. 80.0 for 1.8× the median; empty when the median is zero. */
        public Optional<Double> increasePercent() {
            return ratio.map(r -> (r - 1) * 100);
        }
    }
}
