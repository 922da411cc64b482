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
        WorkflowRollup rollup) {

    public TraceSummary {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(rootName, "rootName");
        Objects.requireNonNull(serviceName, "serviceName");
        services = List.copyOf(services);
        Objects.requireNonNull(rollup, "rollup");
    }

    public long durationNanos() {
        return Math.max(0, endTimeUnixNano - startTimeUnixNano);
    }

    public double durationMs() {
        return durationNanos() / 1_000_000.0;
    }

    public TraceSummary withRollup(WorkflowRollup newRollup) {
        return new TraceSummary(traceId, rootName, serviceName, startTimeUnixNano, endTimeUnixNano, spanCount,
                errorCount, rootFound, services, newRollup);
    }

    public Set<String> serviceSet() {
        return Set.copyOf(services);
    }
}
