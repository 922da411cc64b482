package dev.tta.obs.ports.in;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.regression.RegressionReport;

import java.util.Optional;

/** Use case: is this run of a workflow worse than its previous runs? */
public interface CompareRuns {
    /**
     * @return empty for an unknown trace; otherwise the comparison with the median of the previous
     *         runs of the same workflow (workflow name, or service and root span name)
     */
    Optional<BaselineComparison> compareWithBaseline(TraceId traceId);

    /** The same, for a trace the caller has already read. */
    BaselineComparison compareWithBaseline(Trace trace);

    /** @param previousRun the most recent earlier run, for a side-by-side comparison */
    record BaselineComparison(RegressionReport report, Optional<TraceId> previousRun) {
    }
}
