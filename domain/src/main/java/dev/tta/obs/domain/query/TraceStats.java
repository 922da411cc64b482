package dev.tta.obs.domain.query;

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
}
