package dev.tta.obs.ports.out;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a store holds of some traces, read inside the writer's transaction (see {@link SpanSink#write}). */
public interface StoredTraces {
    /** The stored traces among {@code ids}, each with its summary; empty when it cannot be decoded. */
    Map<TraceId, Optional<TraceSummary>> summaries(Collection<TraceId> ids);

    /** The stored spans of each of {@code ids} that has any. */
    Map<TraceId, List<Span>> spans(Collection<TraceId> ids);
}
