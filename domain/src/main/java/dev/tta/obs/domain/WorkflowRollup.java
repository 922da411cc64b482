package dev.tta.obs.domain;

import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.ModelUsage;
import dev.tta.obs.domain.cost.PriceTable;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-trace facts about the workflow: which primitives ran, what they did, and what the LLM calls
 * cost. Derived from spans only, like the rest of {@link TraceSummary}.
 *
 * @param primitiveTypes    distinct primitive kinds seen, as lower-case labels, sorted
 * @param retries           re-attempts: attempts beyond the first, over all retry primitives
 * @param retryAttempts     attempts made by retried operations, first attempts included: a retry
 *                          whose third attempt succeeded counts 3 here and 2 in {@code retries}
 * @param fallbacksUsed     fallback primitives that ran their fallback
 * @param timeouts          timeouts that fired
 * @param compensations     sagas that ran their compensation
 * @param llmCalls          LLM calls made (a wrapper span around an instrumented call counts once)
 * @param inputTokens       all input tokens, cached ones included
 * @param outputTokens      all output tokens, reasoning included
 * @param costUsd           the cost; empty when unknown (see {@code costStatus}), never a made-up $0
 * @param costStatus        whether the cost is reported, estimated, partial or unknown
 * @param unpricedModels    models used without a price, as {@code provider/model}, sorted
 * @param modelUsage        tokens per model, the stored facts from which {@link #reprice} recomputes
 *                          the cost when prices change
 * @param sessionId         the conversation the run is a turn of ({@code session.id}, {@code gen_ai.conversation.id},
 *                          ...), from the root first, else any span
 * @param userId            who the run served ({@code user.id}, {@code enduser.id}, {@code langfuse.user.id}),
 *                          likewise
 */
public record WorkflowRollup(
        List<String> primitiveTypes,
        int cacheHits,
        int cacheMisses,
        int retries,
        int retryAttempts,
        int fallbacksUsed,
        int timeouts,
        int compensations,
        int llmCalls,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long reasoningTokens,
        Optional<Double> costUsd,
        CostStatus costStatus,
        List<String> unpricedModels,
        List<ModelUsage> modelUsage,
        Optional<String> workflowId,
        Optional<String> workflowName,
        Optional<String> sessionId,
        Optional<String> userId) {

    public static final WorkflowRollup EMPTY = new WorkflowRollup(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            Optional.empty(), CostStatus.NONE, List.of(), List.of(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public WorkflowRollup {
        primitiveTypes = List.copyOf(primitiveTypes);
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(costStatus, "costStatus");
        unpricedModels = List.copyOf(unpricedModels);
        modelUsage = modelUsage.stream().sorted(ModelUsage.ORDER).toList();
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(workflowName, "workflowName");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userId, "userId");
    }

    /** A rollup without a user (callers from before the user was one of its facts). */
    public WorkflowRollup(List<String> primitiveTypes, int cacheHits, int cacheMisses, int retries, int retryAttempts,
                          int fallbacksUsed, int timeouts, int compensations, int llmCalls, long inputTokens,
                          long outputTokens, long cachedInputTokens, long reasoningTokens, Optional<Double> costUsd,
                          CostStatus costStatus, List<String> unpricedModels, List<ModelUsage> modelUsage,
                          Optional<String> workflowId, Optional<String> workflowName, Optional<String> sessionId) {
        this(primitiveTypes, cacheHits, cacheMisses, retries, retryAttempts, fallbacksUsed, timeouts, compensations,
                llmCalls, inputTokens, outputTokens, cachedInputTokens, reasoningTokens, costUsd, costStatus,
                unpricedModels, modelUsage, workflowId, workflowName, sessionId, Optional.empty());
    }

    /**
     * A rollup stored before {@code retryAttempts} existed: each retried operation is assumed to be
     * one retry (attempts = re-attempts + 1), which is exact for the common single retry. Stores
     * write {@code retryAttempts} and read it back with the canonical constructor.
     */
    public WorkflowRollup(List<String> primitiveTypes, int cacheHits, int cacheMisses, int retries, int fallbacksUsed,
                          int timeouts, int compensations, int llmCalls, long inputTokens, long outputTokens,
                          long cachedInputTokens, long reasoningTokens, Optional<Double> costUsd, CostStatus costStatus,
                          List<String> unpricedModels, List<ModelUsage> modelUsage, Optional<String> workflowId,
                          Optional<String> workflowName, Optional<String> sessionId) {
        this(primitiveTypes, cacheHits, cacheMisses, retries, retries == 0 ? 0 : retries + 1, fallbacksUsed, timeouts,
                compensations, llmCalls, inputTokens, outputTokens, cachedInputTokens, reasoningTokens, costUsd,
                costStatus, unpricedModels, modelUsage, workflowId, workflowName, sessionId, Optional.empty());
    }

    public long totalTokens() {
        return inputTokens + outputTokens + modelUsage.stream().mapToLong(ModelUsage::unsplitTokens).sum();
    }

    /** The same rollup with its cost recomputed from {@link #modelUsage} under another price table. */
    public WorkflowRollup reprice(PriceTable prices) {
        CostSummary cost = CostSummary.of(modelUsage, prices);
        return new WorkflowRollup(primitiveTypes, cacheHits, cacheMisses, retries, retryAttempts, fallbacksUsed, timeouts,
                compensations, llmCalls, inputTokens, outputTokens, cachedInputTokens, reasoningTokens,
                cost.costUsd(), cost.status(), cost.unpricedModels(), modelUsage, workflowId, workflowName, sessionId,
                userId);
    }
}
