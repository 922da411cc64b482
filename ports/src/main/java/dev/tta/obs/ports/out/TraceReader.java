package dev.tta.obs.ports.out;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.LlmCallPage;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallTotals;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceStats;

import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads what a {@link SpanSink} committed. Safe to call from many threads while a write is in
 * progress; a reader sees each append whole or not at all.
 */
public interface TraceReader {
    /**
     * The whole trace, spans in tree order (parents before children, siblings by start), with the
     * summary of exactly those spans: the stored one ({@link #findSummaries}'s) when it is current,
     * so a read need not classify every span again, else one computed from the spans.
     */
    Optional<Trace> findTrace(TraceId traceId);

    /**
     * For several traces at once, how many spans of each name each has (a span stored twice counts
     * once): what comparing a run with its earlier runs needs, without reading the spans' other
     * fields. Traces not stored are absent from the map. Stores should answer with one query.
     */
    default Map<TraceId, Map<String, Integer>> spanNameCounts(Collection<TraceId> traceIds) {
        Map<TraceId, Map<String, Integer>> out = new HashMap<>();
        for (TraceId id : traceIds) {
            findTrace(id).ifPresent(t -> {
                Map<String, Integer> counts = new HashMap<>();
                t.spans().forEach(s -> counts.merge(s.name(), 1, Integer::sum));
                out.put(id, counts);
            });
        }
        return out;
    }

    /** The current summaries of those of the given traces that are stored, in no particular order. */
    List<TraceSummary> findSummaries(Collection<TraceId> traceIds);

    /**
     * Summaries matching every filter of the search, in the search's order, at most
     * {@code search.limit()}, with a cursor when more may follow.
     */
    TracePage search(TraceSearch search);

    /**
     * Stored LLM calls (the {@link TraceWrite#llmCalls} of the latest write of each trace) matching
     * every filter, in the search's order, at most {@code search.limit()}, with a cursor when more may
     * follow. Must answer from rows kept per call, never by decoding spans: it runs over every trace.
     */
    LlmCallPage llmCalls(LlmCallSearch search);

    /** Sums over every call {@code search}'s filters match. */
    LlmCallTotals llmCallTotals(LlmCallSearch search);

    /** How many traces are stored. */
    long traceCount();

    /**
     * Numbers over all stored traces; must not scan them per call (a status bar polls it every
     * second), so a store maintains them as it writes.
     *
     * @param costDay the UTC day whose cost is reported as {@link TraceStats#costTodayUsd()}
     */
    TraceStats stats(LocalDate costDay);

    /** Every service that sent a span, sorted. Deleting traces may leave a name behind. */
    List<String> services();

    /** Distinct span names, of one service or all, sorted. Deleting traces may leave a name behind. */
    List<String> operations(Optional<String> service);

    /** Hands every summary of a trace that started at or after {@code fromUnixNano} to {@code sink}. */
    void scanSummaries(long fromUnixNano, Consumer<TraceSummary> sink);
}
