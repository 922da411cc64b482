package dev.tta.obs.domain;

/** Unix times in nanoseconds, unsigned 64-bit as OpenTelemetry sends them. */
public final class UnixNanos {
    private UnixNanos() {
    }

    /**
     * From {@code start} to {@code end}, never negative: an end before the start (clock skew, a
     * buggy SDK) lasts zero. The times are compared unsigned.
     */
    public static long between(long start, long end) {
        return Long.compareUnsigned(end, start) <= 0 ? 0 : end - start;
    }
}
