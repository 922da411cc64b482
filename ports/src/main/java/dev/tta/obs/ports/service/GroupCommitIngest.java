package dev.tta.obs.ports.service;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.ports.out.SpanSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Span ingest through one group-committing writer (see {@link GroupCommitQueue}): an export is
 * answered after its spans are committed, and a full queue is refused at once with a retry hint.
 * Each export is prepared for the store (encoded, summarized, indexed) on its own request thread
 * before it queues, so the single writer thread only writes.
 */
public final class GroupCommitIngest implements IngestSpans, AutoCloseable {
    private final SpanSink sink;
    private final GroupCommitQueue<SpanSink.Prepared> queue;

    /**
     * @param afterCommit told of every committed group, on the writer thread; must be quick
     */
    public GroupCommitIngest(SpanSink sink, long maxQueuedSpans, int maxSpansPerCommit,
                             Consumer<List<SpanBatch>> afterCommit) {
        this.sink = sink;
        this.queue = new GroupCommitQueue<>("tta-obs-writer", "ingest queue", "spans", maxQueuedSpans,
                maxSpansPerCommit, p -> p.batch().size(), sink::write, prepared -> {
                    List<SpanBatch> batches = new ArrayList<>(prepared.size());
                    for (SpanSink.Prepared p : prepared) {
                        batches.add(p.batch());
                    }
                    afterCommit.accept(batches);
                });
    }

    @Override
    public CompletionStage<Void> ingest(SpanBatch batch) {
        if (batch.isEmpty()) {
            return queue.submit(() -> batch);
        }
        // checked before the work of preparing, so an overloaded server refuses cheaply
        queue.checkRoomFor(batch.size());
        return queue.submit(sink.prepare(batch));
    }

    public long queuedSpans() {
        return queue.queuedWeight();
    }

    /** Stops taking new batches, writes everything already queued, then stops the writer. */
    @Override
    public void close() {
        queue.close();
    }
}
