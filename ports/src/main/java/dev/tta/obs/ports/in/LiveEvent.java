package dev.tta.obs.ports.in;

import dev.tta.obs.domain.query.BudgetStatus;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.domain.TraceSummary;

/** What the live feed pushes. */
public sealed interface LiveEvent {
    record TraceChanged(TraceSummary summary) implements LiveEvent {
    }

    record StatsChanged(TraceStats stats) implements LiveEvent {
    }

    /** A budget was crossed, or the crossing changed (another run over the run budget); sent to new subscribers too. */
    record BudgetChanged(BudgetStatus budget) implements LiveEvent {
    }

    /** This many events were dropped because the subscriber fell behind; refetch to catch up. */
    record Lagged(long missed) implements LiveEvent {
    }
}
