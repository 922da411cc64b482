package dev.tta.obs.domain.query;

import java.util.Objects;
import java.util.Optional;

/**
 * The status bar's numbers over all stored traces. Percentiles are of trace durations and are
 * within about 2% of the exact value (they come from a log-scale histogram, so they stay cheap).
 *
 * @param errorRate    the share of runs that failed ({@code RunOutcome.FAILED}); a run that
 *                     recovered from its errors is not counted
 * @param costTodayUsd the known cost of traces that started today (UTC); empty when today's LLM
 *                     calls are all unpriced, zero when there were none
 * @param recoveryRate the share of runs that had errors and recovered from them
 */
public record TraceStats(long traceCount, double avgDurationMs, double p50Ms, double p95Ms, double p99Ms,
                         double errorRate, Optional<Double> costTodayUsd, double recoveryRate) {
    public static final TraceStats EMPTY = new TraceStats(0, 0, 0, 0, 0, 0, Optional.of(0.0), 0);

    // Written out rather than generated: a record's generated equals and hashCode are linked through
    // method handles at their first call, which spins classes at run time, and the live feed
    // compares stats while `tta-obs start` is still starting. Same semantics as the generated ones
    // (doubles compared as Double.compare does).
    @Override
    public boolean equals(Object o) {
        return o instanceof TraceStats s && traceCount == s.traceCount
                && Double.compare(avgDurationMs, s.avgDurationMs) == 0 && Double.compare(p50Ms, s.p50Ms) == 0
                && Double.compare(p95Ms, s.p95Ms) == 0 && Double.compare(p99Ms, s.p99Ms) == 0
                && Double.compare(errorRate, s.errorRate) == 0 && Objects.equals(costTodayUsd, s.costTodayUsd)
                && Double.compare(recoveryRate, s.recoveryRate) == 0;
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(traceCount);
        h = 31 * h + Double.hashCode(avgDurationMs);
        h = 31 * h + Double.hashCode(p50Ms);
        h = 31 * h + Double.hashCode(p95Ms);
        h = 31 * h + Double.hashCode(p99Ms);
        h = 31 * h + Double.hashCode(errorRate);
        h = 31 * h + Objects.hashCode(costTodayUsd);
        return 31 * h + Double.hashCode(recoveryRate);
    }
}
