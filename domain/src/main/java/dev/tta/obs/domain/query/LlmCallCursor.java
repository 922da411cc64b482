package dev.tta.obs.domain.query;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;

/**
 * Where a page of LLM calls ended: the next page starts strictly after this (sort key, trace id,
 * span id) in the page's order. The key is the cost in dollars ({@code -1} when unknown) for
 * {@link LlmCallSort#COST}, a whole number (tokens, nanoseconds) otherwise.
 */
public record LlmCallCursor(double costKey, long longKey, TraceId traceId, SpanId spanId) {

    public static LlmCallCursor ofCost(double cost, TraceId traceId, SpanId spanId) {
        return new LlmCallCursor(cost, 0, traceId, spanId);
    }

    public static LlmCallCursor ofLong(long key, TraceId traceId, SpanId spanId) {
        return new LlmCallCursor(0, key, traceId, spanId);
    }

    public String encode(LlmCallSort sort) {
        String key = sort == LlmCallSort.COST ? Double.toString(costKey) : Long.toString(longKey);
        return key + "_" + traceId.hex() + "_" + spanId.hex();
    }

    /** @throws IllegalArgumentException when {@code token} is not a cursor of this sort */
    public static LlmCallCursor decode(String token, LlmCallSort sort) {
        String[] parts = token.split("_", -1);
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("three parts");
            }
            TraceId traceId = TraceId.of(parts[1]);
            SpanId spanId = SpanId.of(parts[2]);
            if (sort == LlmCallSort.COST) {
                double cost = Double.parseDouble(parts[0]);
                if (!Double.isFinite(cost)) {
                    throw new IllegalArgumentException("not finite");
                }
                return ofCost(cost, traceId, spanId);
            }
            return ofLong(Long.parseLong(parts[0]), traceId, spanId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server issued for sort=" + sort.label()
                    + ": '" + token + "'");
        }
    }
}
