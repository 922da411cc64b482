package dev.tta.obs.domain.check;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.TraceSummary;

import java.util.Objects;
import java.util.Optional;

/**
 * What the CI gate ({@code tta-obs check}) reads of one run: enough to compare a workflow's
 * recent runs with its earlier ones, whether the run came from a store or from the REST API.
 *
 * @param workflow the run's workflow: its {@code workflow.name}, else its root span's name, as the
 *                 workflow statistics name it
 * @param costUsd  empty when the run's cost is unknown (an unpriced model), never a made-up $0
 * @param tokens   all tokens of the run's LLM calls
 */
public record CheckRun(String workflow, String traceId, long startTimeUnixNano, double durationMs,
                       Optional<Double> costUsd, long tokens, RunOutcome outcome) {

    public CheckRun {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(outcome, "outcome");
    }

    public static CheckRun of(TraceSummary s) {
        return new CheckRun(workflowOf(s), s.traceId().hex(), s.startTimeUnixNano(), s.durationMs(),
                s.rollup().costUsd(), s.rollup().totalTokens(), s.outcome());
    }

    /** The name a run is grouped by: the reported workflow name, else the root span's name. */
    public static String workflowOf(TraceSummary s) {
        return s.rollup().workflowName().filter(n -> !n.isBlank()).orElse(s.rootName());
    }

    public boolean failed() {
        return outcome == RunOutcome.FAILED;
    }
}
