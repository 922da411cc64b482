package dev.tta.obs.domain.cost;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * The LLM usage of one model within a trace: the stored facts from which the cost is computed, and
 * recomputed when prices change. Calls whose cost was reported are kept apart from calls to be
 * estimated, because a reported cost never changes with the price table.
 *
 * @param provider          canonical provider, "" when no span says or implies it
 * @param model             canonical model name, "" when no span names it
 * @param calls             calls of this model, those without token counts included
 * @param callsWithoutUsage calls that answered but reported neither token counts nor a cost: their
 *                          cost is unknown, so the usage's cost is partial at best (a failed call
 *                          without counts is not among them: providers do not bill refused requests)
 * @param inputTokens       all input tokens, cached ones included
 * @param cachedInputTokens the part of the input read from a prompt cache
 * @param outputTokens      all output tokens, reasoning included
 * @param reasoningTokens   the part of the output spent on reasoning
 * @param unsplitTokens     tokens reported only as a total, without saying input or output; they
 *                          cannot be priced honestly, so a usage with them is unpriced
 * @param reportedCostUsd   present when these calls' cost was reported (then it is their sum)
 */
public record ModelUsage(
        String provider,
        String model,
        int calls,
        int callsWithoutUsage,
        long inputTokens,
        long cachedInputTokens,
        long outputTokens,
        long reasoningTokens,
        long unsplitTokens,
        Optional<Double> reportedCostUsd) {

    /** A stable order, so that stored rollups do not depend on span arrival order. */
    public static final Comparator<ModelUsage> ORDER = Comparator
            .comparing(ModelUsage::provider)
            .thenComparing(ModelUsage::model)
            .thenComparing(u -> u.reportedCostUsd().isPresent());

    public ModelUsage {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(reportedCostUsd, "reportedCostUsd");
        if (callsWithoutUsage < 0 || callsWithoutUsage > calls) {
            throw new IllegalArgumentException("callsWithoutUsage " + callsWithoutUsage + " must be within 0.." + calls);
        }
    }

    /**
     * A usage stored before {@code callsWithoutUsage} existed, when only calls with usage were
     * stored. Stores write the field and read it back with the canonical constructor.
     */
    public ModelUsage(String provider, String model, int calls, long inputTokens, long cachedInputTokens,
                      long outputTokens, long reasoningTokens, long unsplitTokens, Optional<Double> reportedCostUsd) {
        this(provider, model, calls, 0, inputTokens, cachedInputTokens, outputTokens, reasoningTokens, unsplitTokens,
                reportedCostUsd);
    }

    /** Calls whose token counts (or cost) are known. */
    public int callsWithUsage() {
        return calls - callsWithoutUsage;
    }

    public boolean isReported() {
        return reportedCostUsd.isPresent();
    }

    /** The sum of two usages of the same model and the same cost source. */
    public ModelUsage plus(ModelUsage other) {
        if (!sameKey(other)) {
            throw new IllegalArgumentException("cannot add usage of " + other.displayName() + " to " + displayName());
        }
        Optional<Double> cost = reportedCostUsd.map(c -> c + other.reportedCostUsd.orElse(0.0));
        return new ModelUsage(provider, model, calls + other.calls, callsWithoutUsage + other.callsWithoutUsage,
                inputTokens + other.inputTokens,
                cachedInputTokens + other.cachedInputTokens, outputTokens + other.outputTokens,
                reasoningTokens + other.reasoningTokens, unsplitTokens + other.unsplitTokens, cost);
    }

    public boolean sameKey(ModelUsage other) {
        return provider.equals(other.provider) && model.equals(other.model) && isReported() == other.isReported();
    }

    /** How a user recognises the model in a list of unpriced models. */
    public String displayName() {
        String m = model.isEmpty() ? "(unknown model)" : model;
        return provider.isEmpty() ? m : provider + "/" + m;
    }
}
