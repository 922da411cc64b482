package dev.tta.obs.domain.query;

/** Order of the session list; ties are broken by session id so paging never repeats or skips one. */
public enum SessionSort {
    /** Latest turn first (the default). */
    NEWEST,
    /** Earliest first turn first. */
    OLDEST,
    /** Longest from the first turn's start to the last one's end first. */
    DURATION,
    /** Most expensive first; sessions without a known cost last. */
    COST,
    /** Most turns first. */
    TURNS
}
