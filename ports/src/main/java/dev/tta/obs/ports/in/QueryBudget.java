package dev.tta.obs.ports.in;

import dev.tta.obs.domain.query.BudgetStatus;

import java.util.Optional;

/** Use case: how today's LLM spending stands against the budgets the user set. */
public interface QueryBudget {
    /**
     * Today's spending against the budget; empty when no budget is set. Cheap enough for a status
     * bar that polls it every second.
     */
    Optional<BudgetStatus> budget();

    QueryBudget NONE = Optional::empty;
}
