package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceId;

/** Deletes stored traces, durably before return; serialized with the store's writes. */
public interface TraceEraser {
    /** @return whether the trace was stored */
    boolean deleteTrace(TraceId traceId);

    /** @return how many traces were deleted */
    long deleteAll();
}
