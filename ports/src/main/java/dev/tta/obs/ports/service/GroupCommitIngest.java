package dev.tta.obs.ports.service;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.ports.out.SpanSink;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Span ingest through one group-committing writer (see {@link GroupCommitQueue}): an export is
 * answered after its spans are committed, and a full queue is refused at once with a retry hint.
 */
public final class GroupCommitIngest implements IngestSpans, AutoCloseable {
    private final GroupCommitQueue<SpanBatch> queue;

    /**
     * @param afterCommit told of every committed group, on the writer thread; must be quick
     */
    public GroupCommitIngest(SpanSink sink, long maxQueuedSpans, int maxSpansPerCommit,
                             Consumer<List<SpanBatch>> afterCommit) {
        this.queue = new GroupCommitQueue<>("tta-obs-writer", "ingest queue", "spans", maxQueuedSpans,
                maxSpansPerCommit, SpanBatch::size, sink::append, afterCommit);
    }

    @Override
    public CompletionStage<Void> ingest(SpanBatch batch) {
        return queue.submit(batch);
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
