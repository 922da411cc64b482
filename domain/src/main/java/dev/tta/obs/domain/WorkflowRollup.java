package dev.tta.obs.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-trace facts about the workflow: which primitives ran, what they did, and what the LLM calls
 * cost. Derived from spans only, like the rest of {@link TraceSummary}.
 */
public record WorkflowRollup(
        List<String> primitiveTypes,
        int cacheHits,
        int cacheMisses,
        int retries,
        int fallbacksUsed,
        int llmCalls,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long reasoningTokens,
        Optional<Double> costUsd,
        Optional<String> workflowId,
        Optional<String> workflowName,
        Optional<String> sessionId) {

    public static final WorkflowRollup EMPTY = new WorkflowRollup(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0,
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public WorkflowRollup {
        primitiveTypes = List.copyOf(primitiveTypes);
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(workflowName, "workflowName");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
