package dev.tta.obs.adapters.mcp;

/**
 * A tool's {@code limit} argument: what it counts ("traces per page", "groups to show"), its
 * default and its maximum. The schema an agent reads and the reading of its call take both
 * numbers from here, so they cannot disagree.
 */
record Limit(String counts, int defaultLimit, int maxLimit) {
    /** What the call asked for, else the default; outside 1..max is a bad argument. */
    int of(ToolArgs a) {
        return a.integer("limit", defaultLimit, 1, maxLimit);
    }
}
