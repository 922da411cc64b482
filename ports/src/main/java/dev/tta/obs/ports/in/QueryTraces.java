package dev.tta.obs.ports.in;

import dev.tta.obs.domain.query.LlmCallPage;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallTotals;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;

import java.util.List;
import java.util.Optional;

/** Use case: find traces, read one whole, and the numbers and names the filters offer. */
public interface QueryTraces {
    TracePage search(TraceSearch search);

    Optional<Trace> trace(TraceId traceId);

    /** The trace with what a timeline needs: depth, self time and the critical path. */
    Optional<TraceTimeline> timeline(TraceId traceId);

    /** LLM calls across stored traces, filtered and sorted (the LLM calls view). */
    LlmCallPage llmCalls(LlmCallSearch search);

    /** Sums over every call the search's filters match. */
    LlmCallTotals llmCallTotals(LlmCallSearch search);

    long traceCount();

    /** Cheap enough to call every second. */
    TraceStats stats();

    /** Every service that sent a span, sorted. */
    List<String> services();

    /** Span names seen, of one service or of all, sorted. */
    List<String> operations(Optional<String> service);
}
