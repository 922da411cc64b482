package dev.tta.obs.domain.cost;

/** How far a cost can be trusted; the UI shows each differently, and never shows "unpriced" as $0. */
public enum CostStatus {
    /** No LLM usage: there is nothing to cost. */
    NONE,
    /** Every call's cost was reported by the application or its instrumentation. */
    REPORTED,
    /** Every call has a cost; at least one was estimated from the price table ("estimated"). */
    PRICED,
    /**
     * Some calls have a cost, others do not (a model without a price, or a call that reported no
     * token counts): the amount is a lower bound.
     */
    PARTIAL,
    /** LLM usage exists but no call could be priced: the cost is unknown. */
    UNPRICED,
    /**
     * Calls were made but none reported token counts or a cost (a streamed call some libraries do
     * not count): the cost is unknown, never $0. Last, so stored ordinals of the others stay valid.
     */
    NO_USAGE
}
