package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceSummary;

import java.util.List;
import java.util.Optional;

public record TracePage(List<TraceSummary> traces, Optional<TraceCursor> nextCursor) {
    public TracePage {
        traces = List.copyOf(traces);
    }
}
