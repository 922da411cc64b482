package dev.tta.obs.domain.query;

import dev.tta.obs.domain.TraceId;

import java.util.Objects;
import java.util.Optional;

/**
 * Where today's spending stands against the {@link Budget}. "Today" is the UTC day, as for
 * {@link TraceStats#costTodayUsd()}: the runs that started on it.
 *
 * @param spentTodayUsd   the known cost of today's runs (unpriced runs count nothing)
 * @param runsOverBudget  today's runs that cost more than the run budget; 0 without one
 * @param costliestRun    the costliest of those runs, when there is one
 */
public record BudgetStatus(Budget budget, double spentTodayUsd, long runsOverBudget,
                           Optional<CostlyRun> costliestRun) {

    /** A run and what it cost. */
    public record CostlyRun(TraceId traceId, double costUsd) {
        public CostlyRun {
            Objects.requireNonNull(traceId, "traceId");
        }
    }

    public BudgetStatus {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(costliestRun, "costliestRun");
    }

    /** Today's spending is above the daily budget. */
    public boolean dailyExceeded() {
        return budget.dailyUsd().map(limit -> spentTodayUsd > limit).orElse(false);
    }

    /** Either budget is crossed: the day's, or a run's. */
    public boolean exceeded() {
        return dailyExceeded() || runsOverBudget > 0;
    }
}
