package dev.tta.obs.ports.service;

import dev.tta.obs.domain.LlmCall;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.out.SpanSink;
import dev.tta.obs.ports.out.StoredTraces;
import dev.tta.obs.ports.out.TraceWrite;
import dev.tta.obs.ports.out.WallClock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ingest use case between decoding and storage, in two halves.
 *
 * <p>{@link #prepare} runs on the exporter's request thread, so concurrent exports are prepared in
 * parallel: it groups the spans by trace, drops repeated span ids, summarizes each trace's spans
 * (classification, rollups, cost; {@link TraceAssembler#summarize}) and has the store encode them.
 *
 * <p>{@link #commit} runs on the single writer thread, inside the store's transaction: it merges
 * each trace with what is stored. A trace new to the store whose spans came in one export (the
 * common case) is written as prepared. A trace that already has spans, or that several exports of
 * one commit share, is merged: the new spans are de-duplicated against the stored ones and the
 * summary is recomputed over the union. That is what makes writes idempotent and order-free. The
 * committed summaries are returned, for the live feed.
 */
public final class TraceIngest<E> {
    private final SpanSink<E> sink;
    private final TraceAssembler assembler;
    private final WallClock clock;

    private TraceIngest(SpanSink<E> sink, TraceAssembler assembler, WallClock clock) {
        this.sink = sink;
        this.assembler = assembler;
        this.clock = clock;
    }

    public static <E> TraceIngest<E> of(SpanSink<E> sink, TraceAssembler assembler, WallClock clock) {
        return new TraceIngest<>(sink, assembler, clock);
    }

    /** One export, ready for {@link #commit}: its traces' pieces and how many spans it had. */
    public record Prepared<E>(List<Piece<E>> pieces, int spanCount) {
    }

    /** The distinct spans of one trace in one export, their summary, LLM calls and the store's encoding of them. */
    public record Piece<E>(TraceId traceId, List<Span> spans, TraceSummary summary, List<LlmCall> llmCalls, E encoded) {
    }

    /** Groups, de-duplicates, summarizes and encodes one export. Thread-safe; touches no storage. */
    public Prepared<E> prepare(SpanBatch batch) {
        List<Span> spans = batch.spans();
        Map<TraceId, List<Span>> byTrace = new HashMap<>();
        TraceId lastId = null;
        List<Span> last = null;
        for (Span span : spans) {
            // a trace's spans mostly arrive next to each other: look its list up once per run
            if (span.traceId() != lastId) {
                lastId = span.traceId();
                last = byTrace.computeIfAbsent(lastId, k -> new ArrayList<>());
            }
            last.add(span);
        }
        List<Piece<E>> pieces = new ArrayList<>(byTrace.size());
        for (Map.Entry<TraceId, List<Span>> e : byTrace.entrySet()) {
            pieces.add(piece(e.getKey(), TraceAssembler.distinct(e.getValue())));
        }
        return new Prepared<>(pieces, spans.size());
    }

    private Piece<E> piece(TraceId traceId, List<Span> distinct) {
        TraceAssembler.Summarized summarized = assembler.summarizeWithCalls(traceId, distinct);
        TraceSummary summary = summarized.summary();
        return new Piece<>(traceId, distinct, summary, summarized.llmCalls(), sink.encode(traceId, distinct, summary));
    }

    /** How many {@link #commit} calls may run at once: the store's {@link SpanSink#concurrentWrites}. */
    public int concurrentWrites() {
        return sink.concurrentWrites();
    }

    /**
     * Writes prepared exports in one transaction of the store, merged with what it holds.
     *
     * @return the summaries of the traces the commit changed (a trace whose spans were all stored
     *         already is not among them)
     */
    public List<TraceSummary> commit(List<Prepared<E>> group) {
        Map<TraceId, List<Piece<E>>> byTrace = new TreeMap<>();
        for (Prepared<E> p : group) {
            for (Piece<E> piece : p.pieces()) {
                byTrace.computeIfAbsent(piece.traceId(), k -> new ArrayList<>(1)).add(piece);
            }
        }
        if (byTrace.isEmpty()) {
            return List.of();
        }
        List<TraceWrite<E>> written = sink.write(clock.nowUnixNano(), stored -> merge(byTrace, stored));
        List<TraceSummary> summaries = new ArrayList<>(written.size());
        for (TraceWrite<E> w : written) {
            summaries.add(w.summary());
        }
        return summaries;
    }

    /** Prepares and commits on the caller's thread: for imports, tests and tools. */
    public List<TraceSummary> append(List<SpanBatch> batches) {
        List<Prepared<E>> prepared = new ArrayList<>(batches.size());
        for (SpanBatch b : batches) {
            prepared.add(prepare(b));
        }
        return commit(prepared);
    }

    /** The writes, in trace id order (so one commit's index inserts walk the b-tree in order). */
    private List<TraceWrite<E>> merge(Map<TraceId, List<Piece<E>>> byTrace, StoredTraces stored) {
        Map<TraceId, Optional<TraceSummary>> known = stored.summaries(byTrace.keySet());
        Map<TraceId, List<Span>> storedSpans = known.isEmpty() ? Map.of() : stored.spans(known.keySet());
        List<TraceWrite<E>> out = new ArrayList<>(byTrace.size());
        for (Map.Entry<TraceId, List<Piece<E>>> e : byTrace.entrySet()) {
            TraceId traceId = e.getKey();
            List<Piece<E>> pieces = e.getValue();
            Piece<E> only = pieces.get(0);
            boolean isKnown = known.containsKey(traceId);
            if (!isKnown && pieces.size() == 1) {
                out.add(new TraceWrite<>(traceId, only.spans(), only.summary(), Optional.empty(), only.encoded(),
                        only.llmCalls()));
                continue;
            }
            List<Span> before = storedSpans.getOrDefault(traceId, List.of());
            List<Span> fresh = fresh(pieces, before);
            if (fresh.isEmpty()) {
                continue;
            }
            List<Span> all = new ArrayList<>(before.size() + fresh.size());
            all.addAll(before);
            all.addAll(fresh);
            TraceAssembler.Summarized summarized = assembler.summarizeWithCalls(traceId, all);
            TraceSummary summary = summarized.summary();
            Optional<TraceSummary> replaces = known.getOrDefault(traceId, Optional.empty());
            if (replaces.isEmpty() && !before.isEmpty()) {
                // a summary in a format this version cannot read: what it said is what its spans say
                replaces = Optional.of(assembler.summarize(traceId, before));
            }
            // nothing was a duplicate: the encoding made on the request thread still holds
            E encoded = pieces.size() == 1 && fresh.size() == only.spans().size() ? only.encoded()
                    : sink.encode(traceId, fresh, summary);
            out.add(new TraceWrite<>(traceId, fresh, summary, replaces, encoded, summarized.llmCalls()));
        }
        return out;
    }

    /** The pieces' spans that are not stored yet, each span id once. */
    private static <E> List<Span> fresh(List<Piece<E>> pieces, List<Span> stored) {
        Set<SpanId> storedIds = new HashSet<>();
        for (Span s : stored) {
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
        return fresh;
    }
}
