package dev.tta.obs.domain;

import java.util.List;

/** The spans of one export request, already validated. */
public record SpanBatch(List<Span> spans) {
    public SpanBatch {
        spans = List.copyOf(spans);
    }

    public int size() {
        return spans.size();
    }

    public boolean isEmpty() {
        return spans.isEmpty();
    }
}
