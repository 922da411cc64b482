package dev.tta.obs.adapters.mcp;

/**
 * A paged tool's {@code limit}: what a page holds, how many by default and at most. The schema an
 * agent reads and the reading of its call take both numbers from here, so they cannot disagree.
 */
record Page(String unit, int defaultLimit, int maxLimit) {
    /** The page size a call asked for, else the default; outside 1..max is a bad argument. */
    int limit(ToolArgs a) {
        return a.integer("limit", defaultLimit, 1, maxLimit);
    }
}
