package dev.tta.obs.domain.cost;

/** How far a cost can be trusted; the UI shows each differently, and never shows "unpriced" as $0. */
public enum CostStatus {
    /** No LLM usage: there is nothing to cost. */
    NONE,
    /** Every call's cost was reported by the application or its instrumentation. */
    REPORTED,
    /** Every call has a cost; at least one was estimated from the price table. */
    PRICED,
    /** Some calls have a cost, others use a model without a price: the amount is a lower bound. */
    PARTIAL,
    /** LLM usage exists but no call could be priced: the cost is unknown. */
    UNPRICED
}
