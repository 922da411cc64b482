package dev.tta.obs.ports.in;

import java.util.Optional;

/**
 * A trace search. Every filter is optional; {@code cursor} continues a previous page.
 *
 * @param limit at most this many summaries, 1..1000
 */
public record TraceSearch(
        Optional<String> serviceName,
        Optional<String> text,
        Optional<Long> startFromUnixNano,
        Optional<Long> startToUnixNano,
        boolean errorsOnly,
        int limit,
        Optional<TraceCursor> cursor) {

    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 50;

    public TraceSearch {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static TraceSearch newest(int limit) {
        return new TraceSearch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                limit, Optional.empty());
    }
}
