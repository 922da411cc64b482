package dev.tta.obs.domain;

import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.ModelUsage;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Computes the workflow facts of one trace from its spans; must not depend on span order. */
@FunctionalInterface
public interface WorkflowRollupCalculator {
    WorkflowRollupCalculator NONE = spans -> WorkflowRollup.EMPTY;

    WorkflowRollup rollup(Collection<Span> spans);

    /**
     * One LLM call the rollup counted: its span, the model name as reported, its usage and its
     * cost alone.
     */
    record CountedCall(Span span, Optional<String> reportedModel, ModelUsage usage, CostSummary cost) {
    }

    /** A rollup with the calls it counted, in span id order. */
    record WithCalls(WorkflowRollup rollup, List<CountedCall> calls) {
    }

    /** The rollup and the calls behind its {@code llmCalls}; a calculator that does not count calls lists none. */
    default WithCalls rollupWithCalls(Collection<Span> spans) {
        return new WithCalls(rollup(spans), List.of());
    }
}
