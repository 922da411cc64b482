package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.adapters.jdbc.PreparedChunks.TraceChunk;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.out.SpanSink;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one commit inserts, per trace: the new spans as one chunk and the trace's summary over all
 * its spans. This is where writes become idempotent and order-free: a trace that already has spans
 * is read back, the new spans are de-duplicated against the stored ones and the summary is
 * recomputed over the union. A new trace whose spans all came in one export (the common case)
 * takes the chunk prepared on the request thread as it is.
 */
public final class ChunkPlan {
    private ChunkPlan() {
    }

    /**
     * @param chunk  the spans to insert (none of them stored yet) and the whole trace's new summary
     * @param before the summary this write replaces, if the trace was stored
     */
    public record Write(TraceChunk chunk, Optional<TraceSummary> before) {
    }

    /** Reads of what is already stored, inside the writer's transaction. */
    public interface Stored {
        /** The stored traces among {@code ids}; a summary that cannot be decoded is empty. */
        Map<TraceId, Optional<TraceSummary>> summaries(Collection<TraceId> ids) throws SQLException;

        Map<TraceId, List<Span>> spans(Collection<TraceId> ids) throws SQLException;
    }

    /** The writes in trace id order, so one commit's b-tree inserts walk the index in order. */
    public static List<Write> plan(List<? extends SpanSink.Prepared> batches, TraceAssembler assembler, Stored stored)
            throws SQLException {
        Map<TraceId, List<TraceChunk>> byTrace = new TreeMap<>();
        for (SpanSink.Prepared p : batches) {
            for (TraceChunk c : PreparedChunks.from(p, assembler).chunks()) {
                byTrace.computeIfAbsent(c.traceId(), k -> new ArrayList<>(1)).add(c);
            }
        }
        if (byTrace.isEmpty()) {
            return List.of();
        }
        Map<TraceId, Optional<TraceSummary>> known = stored.summaries(byTrace.keySet());
        Map<TraceId, List<Span>> storedSpans = known.isEmpty() ? Map.of() : stored.spans(known.keySet());
        List<Write> out = new ArrayList<>(byTrace.size());
        for (Map.Entry<TraceId, List<TraceChunk>> e : byTrace.entrySet()) {
            TraceId traceId = e.getKey();
            List<TraceChunk> pieces = e.getValue();
            boolean isKnown = known.containsKey(traceId);
            if (!isKnown && pieces.size() == 1) {
                out.add(new Write(pieces.get(0), Optional.empty()));
                continue;
            }
            List<Span> before = storedSpans.getOrDefault(traceId, List.of());
            Set<SpanId> storedIds = new HashSet<>();
            for (Span s : before) {
                storedIds.add(s.spanId());
            }
            List<Span> incoming;
            if (pieces.size() == 1) {
                incoming = pieces.get(0).spans();
            } else {
                List<Span> all = new ArrayList<>();
                pieces.forEach(p -> all.addAll(p.spans()));
                incoming = TraceAssembler.distinct(all);
            }
            List<Span> fresh = new ArrayList<>(incoming.size());
            for (Span s : incoming) {
                if (!storedIds.contains(s.spanId())) {
                    fresh.add(s);
                }
            }
            if (fresh.isEmpty()) {
                continue;
            }
            List<Span> all = new ArrayList<>(before.size() + fresh.size());
            all.addAll(before);
            all.addAll(fresh);
            TraceSummary summary = assembler.summarize(traceId, all);
            Optional<TraceSummary> old = !isKnown || before.isEmpty() ? known.getOrDefault(traceId, Optional.empty())
                    : known.get(traceId).or(() -> Optional.of(assembler.summarize(traceId, before)));
            TraceChunk only = pieces.get(0);
            TraceChunk chunk = pieces.size() == 1 && fresh.size() == only.spans().size()
                    // nothing was a duplicate: the prepared encoding and terms still hold
                    ? new TraceChunk(traceId, fresh, summary, only.encodedSpans(), SummaryCodec.encode(summary),
                            only.terms(), only.operations())
                    : PreparedChunks.chunk(fresh, summary);
            out.add(new Write(chunk, old));
        }
        return out;
    }
}
