package dev.tta.obs.domain.query;

/**
 * Sums over every call a search matches (its sort, cursor and limit aside).
 *
 * @param costUsd        the sum of the known costs
 * @param unpricedCalls  calls whose cost is unknown, so {@code costUsd} is a lower bound when above 0
 */
public record LlmCallTotals(long calls, long inputTokens, long cachedInputTokens, long outputTokens,
                            long reasoningTokens, long totalTokens, double costUsd, long unpricedCalls,
                            long failedCalls, long traces) {
    public static final LlmCallTotals NONE = new LlmCallTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
