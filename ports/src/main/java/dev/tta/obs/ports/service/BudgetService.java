package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.Budget;
import dev.tta.obs.domain.query.BudgetStatus;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceSort;
import dev.tta.obs.ports.in.QueryBudget;
import dev.tta.obs.ports.out.TraceReader;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Today's spending against the budgets: the day's cost from the store's running stats, the runs
 * over the run budget from a search by cost (its index holds priced runs only, so the search reads
 * just the runs above the limit).
 */
public final class BudgetService implements QueryBudget {
    private final TraceReader reader;
    private final Budget budget;
    private final Clock clock;

    public BudgetService(TraceReader reader, Budget budget, Clock clock) {
        this.reader = reader;
        this.budget = budget;
        this.clock = clock;
    }

    @Override
    public Optional<BudgetStatus> budget() {
        if (!budget.isSet()) {
            return Optional.empty();
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        double spent = reader.stats(today).costTodayUsd().orElse(0.0);
        long over = 0;
        Optional<BudgetStatus.CostlyRun> costliest = Optional.empty();
        if (budget.runUsd().isPresent()) {
            double limit = budget.runUsd().get();
            Instant midnight = today.atStartOfDay(ZoneOffset.UTC).toInstant();
            List<TraceSummary> costly = reader.search(TraceSearch.builder()
                    .startFrom(midnight.getEpochSecond() * 1_000_000_000L)
                    .minCostUsd(limit).sort(TraceSort.COST).limit(TraceSearch.MAX_LIMIT).build()).traces();
            // minCostUsd is "at least": a run costing exactly the budget is within it
            List<TraceSummary> above = costly.stream()
                    .filter(s -> s.rollup().costUsd().map(c -> c > limit).orElse(false)).toList();
            over = above.size();
            costliest = above.stream().findFirst()
                    .map(s -> new BudgetStatus.CostlyRun(s.traceId(), s.rollup().costUsd().get()));
        }
        return Optional.of(new BudgetStatus(budget, spent, over, costliest));
    }
}
