package dev.tta.obs.ports.out;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;

import java.util.Optional;

/**
 * Reads what a {@link SpanSink} committed. Safe to call from many threads while a write is in
 * progress; a reader sees each append whole or not at all.
 */
public interface TraceReader {
    /** The whole trace, spans in tree order (parents before children, siblings by start). */
    Optional<Trace> findTrace(TraceId traceId);

    /** Summaries matching the search, newest start first, at most {@code search.limit()}. */
    TracePage search(TraceSearch search);

    /** How many traces are stored. */
    long traceCount();
}
