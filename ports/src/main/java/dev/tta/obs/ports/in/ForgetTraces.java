package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceId;

/** Use case: delete what the user no longer wants kept (traces hold prompts and secrets). */
public interface ForgetTraces {
    /** @return whether the trace existed */
    boolean forget(TraceId traceId);

    /** @return how many traces were deleted */
    long forgetAll();
}
