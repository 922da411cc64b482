package dev.tta.obs.domain.query;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One page of a search.
 *
 * @param regressions those of the page's traces last judged a regression against their earlier
 *                    runs (a verdict the store keeps; see {@code RegressionMarker})
 */
public record TracePage(List<TraceSummary> traces, Optional<TraceCursor> nextCursor, Set<TraceId> regressions) {
    public TracePage {
        traces = List.copyOf(traces);
        regressions = Set.copyOf(regressions);
    }

    public TracePage(List<TraceSummary> traces, Optional<TraceCursor> nextCursor) {
        this(traces, nextCursor, Set.of());
    }
}
