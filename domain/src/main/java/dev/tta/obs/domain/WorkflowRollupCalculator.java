package dev.tta.obs.domain;

import java.util.Collection;

/** Computes the workflow facts of one trace from its spans; must not depend on span order. */
@FunctionalInterface
public interface WorkflowRollupCalculator {
    WorkflowRollupCalculator NONE = spans -> WorkflowRollup.EMPTY;

    WorkflowRollup rollup(Collection<Span> spans);
}
