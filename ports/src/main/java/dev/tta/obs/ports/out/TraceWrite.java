package dev.tta.obs.ports.out;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;

import java.util.List;
import java.util.Optional;

/**
 * What one commit does to one trace: adds {@code spans} (distinct, none of them stored yet) and
 * makes {@code summary} (over all the trace's spans) its summary.
 *
 * @param replaces the summary this write replaces, empty for a new trace (stores keep running stats)
 * @param encoded  {@code spans} in the store's form, from {@link SpanSink#encode}; it encoded
 *                 the summary it was given then, which may differ from {@code summary}
 */
public record TraceWrite<E>(TraceId traceId, List<Span> spans, TraceSummary summary, Optional<TraceSummary> replaces,
                            E encoded) {
}
