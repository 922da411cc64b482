package dev.tta.obs.domain.query;

import dev.tta.obs.domain.TraceId;

/**
 * Where a page ended: the next page starts strictly after this (sort key, trace id) pair, so
 * paging is stable while new traces arrive. The sort key is the start time for
 * {@link TraceSort#NEWEST}/{@link TraceSort#OLDEST}, the duration in nanoseconds for
 * {@link TraceSort#DURATION}, and the cost's IEEE bits (or -1 when unpriced) for {@link TraceSort#COST}.
 */
public record TraceCursor(long sortKey, TraceId traceId) {

    public String encode() {
        return sortKey + "_" + traceId.hex();
    }

    public static TraceCursor decode(String token) {
        int sep = token.lastIndexOf('_');
        if (sep <= 0) {
            // cursors issued before sorting existed used a dash
            sep = token.lastIndexOf('-');
        }
        if (sep <= 0) {
            throw new IllegalArgumentException("cursor is not one this server issued: '" + token + "'");
        }
        try {
            return new TraceCursor(Long.parseLong(token.substring(0, sep)), TraceId.of(token.substring(sep + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server issued: '" + token + "'");
        }
    }
}
