package dev.tta.obs.ports.in;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.compare.LineDiff;
import dev.tta.obs.domain.compare.SpanMatching;
import dev.tta.obs.domain.regression.RegressionReport;

import java.util.List;
import java.util.Optional;

/** Use cases: is this run of a workflow worse than its previous runs; how do two runs differ, span by span? */
public interface CompareRuns {
    /**
     * Two runs span by span ({@link SpanMatching}: by path and position, LLM calls across model
     * changes), with a line diff of the messages and outputs of each pair of matched LLM calls.
     *
     * @return empty when either trace is not stored
     */
    Optional<RunDiff> diff(TraceId a, TraceId b);

    /** @param llmCalls the matched LLM calls, in row order, each with the diff of its conversation */
    record RunDiff(Trace a, Trace b, List<SpanMatching.Match> rows, List<LlmCallPair> llmCalls) {
        public RunDiff {
            rows = List.copyOf(rows);
            llmCalls = List.copyOf(llmCalls);
        }
    }

    record LlmCallPair(SpanMatching.Match match, List<LineDiff.Line> diff) {
        public LlmCallPair {
            diff = List.copyOf(diff);
        }
    }

    /**
     * @return empty for an unknown trace; otherwise the comparison with the median of the previous
     *         runs of the same workflow (workflow name, or service and root span name)
     */
    Optional<BaselineComparison> compareWithBaseline(TraceId traceId);

    /** The same, for a trace the caller has already read. */
    BaselineComparison compareWithBaseline(Trace trace);

    /** @param previousRun the most recent earlier run, for a side-by-side comparison */
    record BaselineComparison(RegressionReport report, Optional<TraceId> previousRun) {
    }
}
