package dev.tta.obs.domain.cost;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The cost of a set of model usages under one price table.
 *
 * @param costUsd        empty when nothing could be costed (status NONE, UNPRICED or NO_USAGE); for
 *                       PARTIAL, the cost of the priced part only
 * @param unpricedModels the models without a price, as {@code provider/model}, sorted
 */
public record CostSummary(Optional<Double> costUsd, CostStatus status, List<String> unpricedModels) {
    public static final CostSummary NONE = new CostSummary(Optional.empty(), CostStatus.NONE, List.of());

    public CostSummary {
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(status, "status");
        unpricedModels = List.copyOf(unpricedModels);
    }

    public static CostSummary of(List<ModelUsage> usages, PriceTable prices) {
        if (usages.isEmpty()) {
            return NONE;
        }
        // sorted so that floating-point sums come out bit-identical whatever the input order
        List<ModelUsage> sorted = usages.stream().sorted(ModelUsage.ORDER).toList();
        double total = 0;
        boolean anyCosted = false;
        boolean anyEstimated = false;
        boolean anyWithoutUsage = false;
        boolean anyZero = false;
        TreeSet<String> unpriced = new TreeSet<>();
        for (ModelUsage u : sorted) {
            if (u.reportedCostUsd().isPresent()) {
                total += u.reportedCostUsd().get();
                anyCosted = true;
                continue;
            }
            // a call that sent no counts has an unknown cost, never $0: it leaves the cost partial
            anyWithoutUsage |= u.callsWithoutUsage() > 0;
            if (u.callsWithUsage() == 0) {
                continue;
            }
            if (u.inputTokens() == 0 && u.outputTokens() == 0 && u.unsplitTokens() == 0) {
                // counted as zero (or refused before any token): $0 whatever the model's price, and
                // nothing that makes the rest of the cost more or less known
                anyZero = true;
                continue;
            }
            Optional<ModelPrice> price = u.unsplitTokens() > 0 || u.model().isEmpty()
                    ? Optional.empty()
                    : prices.find(u.model(), u.provider().isEmpty() ? Optional.empty() : Optional.of(u.provider()));
            if (price.isEmpty()) {
                unpriced.add(u.displayName());
                continue;
            }
            total += price.get().costUsd(u.inputTokens(), u.cachedInputTokens(), u.outputTokens(), u.reasoningTokens());
            anyCosted = true;
            anyEstimated = true;
        }
        CostStatus status;
        if (!unpriced.isEmpty() || anyWithoutUsage) {
            status = anyCosted ? CostStatus.PARTIAL : unpriced.isEmpty() ? CostStatus.NO_USAGE : CostStatus.UNPRICED;
        } else {
            status = anyEstimated || anyZero ? CostStatus.PRICED : CostStatus.REPORTED;
            anyCosted = true;
        }
        return new CostSummary(anyCosted ? Optional.of(total) : Optional.empty(), status, List.copyOf(unpriced));
    }
}
