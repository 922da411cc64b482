package dev.tta.obs.domain.query;

/** Result order; ties are broken by trace id so paging never repeats or skips a trace. */
public enum TraceSort {
    /** Latest start first (the default). */
    NEWEST,
    OLDEST,
    /** Longest first. */
    DURATION,
    /** Most expensive first; unpriced traces last. */
    COST
}
