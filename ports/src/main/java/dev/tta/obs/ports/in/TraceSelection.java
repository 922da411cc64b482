package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceId;

import java.util.List;
import java.util.Optional;

/** Which traces to export: the listed ids, or every trace matching the filters, newest first. */
public record TraceSelection(List<TraceId> traceIds, Optional<Long> startFromUnixNano, Optional<Long> startToUnixNano,
                             Optional<String> serviceName) {
    public TraceSelection {
        traceIds = List.copyOf(traceIds);
    }

    public static TraceSelection all() {
        return new TraceSelection(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static TraceSelection of(TraceId id) {
        return new TraceSelection(List.of(id), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
