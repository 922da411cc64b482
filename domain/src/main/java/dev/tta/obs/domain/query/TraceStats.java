package dev.tta.obs.domain.query;

import java.util.Optional;

/**
 * The status bar's numbers over all stored traces. Percentiles are of trace durations and are
 * within about 2% of the exact value (they come from a log-scale histogram, so they stay cheap).
 *
 * @param costTodayUsd the known cost of traces that started today (UTC); empty when today's LLM
 *                     calls are all unpriced, zero when there were none
 */
public record TraceStats(long traceCount, double avgDurationMs, double p50Ms, double p95Ms, double p99Ms,
                         double errorRate, Optional<Double> costTodayUsd) {
    public static final TraceStats EMPTY = new TraceStats(0, 0, 0, 0, 0, 0, Optional.of(0.0));
}
