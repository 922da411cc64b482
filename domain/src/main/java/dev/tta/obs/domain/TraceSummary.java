package dev.tta.obs.domain;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the trace list shows for one trace. Always derived from the full set of spans stored for
 * the trace (see {@link TraceAssembler}), so it is the same whatever order, and however often,
 * the spans arrived.
 *
 * @param rootName    the root span's name, or the earliest span's when the root has not arrived yet
 * @param rootFound   whether a span without a parent in this trace has arrived
 * @param services    every service that contributed a span, sorted
 * @param errorCount  spans with status ERROR, whether or not the run absorbed them
 * @param outcome     whether the run failed, recovered from its errors, or had none
 */
public record TraceSummary(
        TraceId traceId,
        String rootName,
        String serviceName,
        long startTimeUnixNano,
        long endTimeUnixNano,
        int spanCount,
        int errorCount,
        boolean rootFound,
        List<String> services,
        WorkflowRollup rollup,
        RunOutcome outcome) {

    public TraceSummary {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(rootName, "rootName");
        Objects.requireNonNull(serviceName, "serviceName");
        services = List.copyOf(services);
        Objects.requireNonNull(rollup, "rollup");
        Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * A summary stored before the outcome was: any error counts as failed, as it did then. Stores
     * write the outcome and read it back with the canonical constructor.
     */
    public TraceSummary(TraceId traceId, String rootName, String serviceName, long startTimeUnixNano,
                        long endTimeUnixNano, int spanCount, int errorCount, boolean rootFound, List<String> services,
                        WorkflowRollup rollup) {
        this(traceId, rootName, serviceName, startTimeUnixNano, endTimeUnixNano, spanCount, errorCount, rootFound,
                services, rollup, errorCount > 0 ? RunOutcome.FAILED : RunOutcome.OK);
    }

    /** An end before the start (clock skew) lasts zero. */
    public long durationNanos() {
        return UnixNanos.between(startTimeUnixNano, endTimeUnixNano);
    }

    public double durationMs() {
        return durationNanos() / 1_000_000.0;
    }

    public TraceSummary withRollup(WorkflowRollup newRollup) {
        return new TraceSummary(traceId, rootName, serviceName, startTimeUnixNano, endTimeUnixNano, spanCount,
                errorCount, rootFound, services, newRollup, outcome);
    }

    public Set<String> serviceSet() {
        return Set.copyOf(services);
    }
}
