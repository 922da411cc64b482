package dev.tta.obs.domain.check;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.domain.Percentiles.nearestRank;

/**
 * A workflow's numbers over a set of runs: what a baseline is, in the store or in a saved
 * baseline file. Percentiles are nearest-rank over the runs (cost over the priced runs only).
 *
 * @param pricedRuns runs whose cost is known; the cost percentiles are empty without any
 */
public record WorkflowNumbers(int runs, int failedRuns, double p50Ms, double p95Ms, double p50Tokens,
                              double p95Tokens, int pricedRuns, Optional<Double> p50CostUsd,
                              Optional<Double> p95CostUsd) {

    public WorkflowNumbers {
        if (runs < 0 || failedRuns < 0 || failedRuns > runs || pricedRuns < 0 || pricedRuns > runs) {
            throw new IllegalArgumentException("run counts must satisfy 0 <= failed, priced <= runs; got runs=" + runs
                    + ", failed=" + failedRuns + ", priced=" + pricedRuns);
        }
        requireNumber("p50Ms", p50Ms);
        requireNumber("p95Ms", p95Ms);
        requireNumber("p50Tokens", p50Tokens);
        requireNumber("p95Tokens", p95Tokens);
        p50CostUsd.ifPresent(v -> requireNumber("p50CostUsd", v));
        p95CostUsd.ifPresent(v -> requireNumber("p95CostUsd", v));
    }

    private static void requireNumber(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a number >= 0, got " + v);
        }
    }

    public static WorkflowNumbers of(List<CheckRun> runs) {
        double[] ms = runs.stream().mapToDouble(CheckRun::durationMs).sorted().toArray();
        double[] tokens = runs.stream().mapToDouble(CheckRun::tokens).sorted().toArray();
        double[] cost = runs.stream().flatMap(r -> r.costUsd().stream()).mapToDouble(Double::doubleValue).sorted()
                .toArray();
        int failed = (int) runs.stream().filter(CheckRun::failed).count();
        return new WorkflowNumbers(runs.size(), failed, nearestRank(ms, 0.50), nearestRank(ms, 0.95),
                nearestRank(tokens, 0.50), nearestRank(tokens, 0.95), cost.length,
                cost.length == 0 ? Optional.empty() : Optional.of(nearestRank(cost, 0.50)),
                cost.length == 0 ? Optional.empty() : Optional.of(nearestRank(cost, 0.95)));
    }

    /** The share of runs that failed (a run that recovered from its errors did not), 0..1. */
    public double failedRate() {
        return runs == 0 ? 0 : (double) failedRuns / runs;
    }
}
