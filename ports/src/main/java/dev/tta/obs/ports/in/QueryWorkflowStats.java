package dev.tta.obs.ports.in;

import java.util.List;
import java.util.Optional;

/**
 * Use case: primitive and LLM usage numbers. Computed from trace summaries today, so every
 * number is per trace (a trace that retried counts once as a "call" of retry); richer per-span
 * facts from the domain can replace the computation behind this port without changing it.
 */
public interface QueryWorkflowStats {
    List<PrimitiveStats> primitives(Optional<Long> sinceUnixNano);

    List<LlmUsage> llmUsage(LlmUsageGrouping groupBy, Optional<Long> sinceUnixNano);

    enum LlmUsageGrouping { MODEL, PROVIDER, DAY, WORKFLOW }

    /** @param cacheHitRate hits / (hits + misses), empty when the primitive never looked anything up */
    record PrimitiveStats(String type, long calls, long errors, double p50Ms, double p95Ms, double p99Ms,
                          Optional<Double> cacheHitRate, long retryAttempts, Optional<Double> fallbackRate) {
    }

    /** @param costUsd empty when none of the calls is priced */
    record LlmUsage(String key, long calls, long inputTokens, long outputTokens, Optional<Double> costUsd) {
    }
}
