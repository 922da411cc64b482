package dev.tta.obs.ports.in;

import dev.tta.obs.domain.query.BudgetStatus;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.query.TraceStats;

import java.util.List;

/** What the live feed pushes. */
public sealed interface LiveEvent {
    record TraceChanged(TraceSummary summary) implements LiveEvent {
    }

    /** A trace's feedback changed through the API: all of it, as it is now. */
    record FeedbackChanged(TraceId traceId, List<Feedback> feedback) implements LiveEvent {
        public FeedbackChanged {
            feedback = List.copyOf(feedback);
        }
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
