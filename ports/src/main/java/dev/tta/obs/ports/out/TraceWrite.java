package dev.tta.obs.ports.out;

import dev.tta.obs.domain.LlmCall;
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
 * @param llmCalls the trace's LLM calls over all its spans after this write (not only the new
 *                 spans': a span that arrives later can turn a call into the wrapper of another); they
 *                 replace the calls stored for the trace
 */
public record TraceWrite<E>(TraceId traceId, List<Span> spans, TraceSummary summary, Optional<TraceSummary> replaces,
                            E encoded, List<LlmCall> llmCalls) {
    public TraceWrite {
        llmCalls = List.copyOf(llmCalls);
    }
}
