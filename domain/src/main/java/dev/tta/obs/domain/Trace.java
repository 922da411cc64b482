package dev.tta.obs.domain;

import java.util.List;
import java.util.Objects;

/** A whole trace: its summary and its spans, parents before children, siblings by start time. */
public record Trace(TraceSummary summary, List<Span> spans) {
    public Trace {
        Objects.requireNonNull(summary, "summary");
        spans = List.copyOf(spans);
    }

    public TraceId traceId() {
        return summary.traceId();
    }
}
