package dev.tta.obs.domain.workflow;

import java.util.Locale;

/** What a span does in a workflow, as the UI groups it. */
public enum PrimitiveKind {
    WORKFLOW, SEQUENTIAL, PARALLEL, CONDITIONAL, ROUTER,
    CACHE, RETRY, FALLBACK, TIMEOUT, CIRCUIT_BREAKER, SAGA,
    LLM, EMBEDDING, RETRIEVER, TOOL, AGENT,
    OTHER;

    /** The stable lower-case name stored in rollups and sent to the UI, e.g. {@code circuit_breaker}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
