package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceId;

import java.util.Optional;

/** Deletes stored traces, durably before return; serialized with the store's writes. */
public interface TraceEraser {
    /** @return whether the trace was stored */
    boolean deleteTrace(TraceId traceId);

    /** @return how many traces were deleted */
    long deleteAll();

    /**
     * Retention: deletes the traces that arrived longest ago beyond the {@code keepNewest} most recent
     * arrivals, and every trace whose last span arrived before {@code arrivedBeforeUnixNano}. Arrival,
     * not the exporter's start time, so an imported old trace is not evicted at once. Deletes at
     * most {@code maxPerCall} traces per call, so the writer is never held for long, except that a
     * store that keeps whole days of arrivals apart may evict such days at once; callers loop while
     * the answer is at least {@code maxPerCall}.
     *
     * @param keepNewest {@link Long#MAX_VALUE} for no count limit
     * @return how many traces were deleted
     */
    long evict(long keepNewest, Optional<Long> arrivedBeforeUnixNano, int maxPerCall);
}
