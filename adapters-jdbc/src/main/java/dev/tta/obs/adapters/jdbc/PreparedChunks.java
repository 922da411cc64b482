package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.out.SpanSink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One export readied for a SQL store on its request thread: the spans grouped by trace, and for each
 * trace the chunk a store inserts when the trace is new, which is the common case (a trace's spans
 * usually arrive in one export): its encoded spans, its search terms and its summary. When the trace
 * already has spans, {@link ChunkPlan} merges on the writer thread instead.
 */
public final class PreparedChunks implements SpanSink.Prepared {
    /**
     * @param spans   distinct by span id
     * @param summary the summary of these spans alone
     * @param operations the spans' distinct (service, name) pairs
     */
    public record TraceChunk(TraceId traceId, List<Span> spans, TraceSummary summary, byte[] encodedSpans,
                             byte[] encodedSummary, SearchTerms.Chunk terms, Set<KnownOperations.Operation> operations) {
    }

    private final SpanBatch batch;
    private final List<TraceChunk> chunks;

    private PreparedChunks(SpanBatch batch, List<TraceChunk> chunks) {
        this.batch = batch;
        this.chunks = chunks;
    }

    public static PreparedChunks of(SpanBatch batch, TraceAssembler assembler) {
        Map<TraceId, List<Span>> byTrace = new HashMap<>();
        for (Span span : batch.spans()) {
            byTrace.computeIfAbsent(span.traceId(), k -> new ArrayList<>()).add(span);
        }
        List<TraceChunk> chunks = new ArrayList<>(byTrace.size());
        for (Map.Entry<TraceId, List<Span>> e : byTrace.entrySet()) {
            chunks.add(chunk(e.getKey(), TraceAssembler.distinct(e.getValue()), assembler));
        }
        return new PreparedChunks(batch, chunks);
    }

    /** The chunk of {@code spans} (distinct), summarized on their own. */
    static TraceChunk chunk(TraceId traceId, List<Span> spans, TraceAssembler assembler) {
        TraceSummary summary = assembler.summarize(traceId, spans);
        return chunk(spans, summary);
    }

    /** The chunk of {@code spans} (distinct) with the summary of the trace they join. */
    static TraceChunk chunk(List<Span> spans, TraceSummary summary) {
        return new TraceChunk(summary.traceId(), spans, summary, SpanCodec.encode(spans), SummaryCodec.encode(summary),
                SearchTerms.forChunk(spans, summary.rollup().primitiveTypes()), KnownOperations.of(spans));
    }

    /** {@code p} as prepared by a SQL store, preparing it now if something else made it. */
    public static PreparedChunks from(SpanSink.Prepared p, TraceAssembler assembler) {
        return p instanceof PreparedChunks c ? c : of(p.batch(), assembler);
    }

    @Override
    public SpanBatch batch() {
        return batch;
    }

    public List<TraceChunk> chunks() {
        return chunks;
    }
}
