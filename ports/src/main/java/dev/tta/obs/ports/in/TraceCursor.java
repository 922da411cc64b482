package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceId;

/**
 * Where a page of newest-first results ended: the next page starts strictly after this
 * (start time, trace id) pair, so paging is stable while new traces arrive.
 */
public record TraceCursor(long startTimeUnixNano, TraceId traceId) {

    public String encode() {
        return startTimeUnixNano + "-" + traceId.hex();
    }

    public static TraceCursor decode(String token) {
        int dash = token.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("cursor is not one this server issued: '" + token + "'");
        }
        try {
            return new TraceCursor(Long.parseLong(token.substring(0, dash)), TraceId.of(token.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server issued: '" + token + "'");
        }
    }
}
