package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.feedback.EvaluationEvents;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceSummary;

import java.util.List;
import java.util.Set;

/**
 * New spans of one trace in a SQL store's form, made on the exporter's request thread (see
 * {@code SpanSink.encode}) so the writer thread only inserts: the encoded spans ({@link SpanCodec}),
 * the summary they were encoded with ({@link SummaryCodec}), their search terms ({@link SearchTerms})
 * their distinct (service, span name) pairs and the feedback their evaluation events carry.
 */
public final class EncodedChunk {
    private final byte[] spans;
    private final TraceSummary summary;
    private final byte[] encodedSummary;
    private final SearchTerms.Chunk terms;
    private final Set<KnownOperations.Operation> operations;
    private final List<NewFeedback> feedback;

    private EncodedChunk(byte[] spans, TraceSummary summary, byte[] encodedSummary, SearchTerms.Chunk terms,
                         Set<KnownOperations.Operation> operations, List<NewFeedback> feedback) {
        this.spans = spans;
        this.summary = summary;
        this.encodedSummary = encodedSummary;
        this.terms = terms;
        this.operations = operations;
        this.feedback = feedback;
    }

    /** @param spans distinct; {@code summary} is that of the trace they join */
    public static EncodedChunk of(List<Span> spans, TraceSummary summary) {
        return new EncodedChunk(SpanCodec.encode(spans), summary, SummaryCodec.encode(summary),
                SearchTerms.forChunk(spans, summary.rollup().primitiveTypes()), KnownOperations.of(spans),
                EvaluationEvents.from(summary.traceId(), spans));
    }

    public byte[] spans() {
        return spans;
    }

    /**
     * {@code current} encoded: the encoding made with the chunk when the trace's summary is still
     * the one it was made with (a new trace), else encoded now (the core merged it with stored spans).
     */
    public byte[] summary(TraceSummary current) {
        return current == summary ? encodedSummary : SummaryCodec.encode(current);
    }

    public SearchTerms.Chunk terms() {
        return terms;
    }

    public Set<KnownOperations.Operation> operations() {
        return operations;
    }

    /** The feedback of the spans' {@code gen_ai.evaluation.result} events, each with its origin key. */
    public List<NewFeedback> feedback() {
        return feedback;
    }
}
