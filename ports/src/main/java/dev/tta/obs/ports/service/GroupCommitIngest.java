package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.feedback.EvaluationEvents;
import dev.tta.obs.ports.in.IngestSpans;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Span ingest through group-committing writers, one unless the store takes overlapping commits
 * (see {@link GroupCommitQueue}): an export is
 * prepared on its own request thread ({@link TraceIngest#prepare}), queued, and answered after the
 * writer has committed it ({@link TraceIngest#commit}); a full queue is refused at once with a
 * retry hint.
 */
public final class GroupCommitIngest implements IngestSpans, AutoCloseable {
    private final Lane<?> lane;
    private final Consumer<Set<TraceId>> evaluated;

    /**
     * @param afterCommit told of the summaries of every committed group, on a writer thread; must be quick and thread-safe
     */
    public GroupCommitIngest(TraceIngest<?> ingest, long maxQueuedSpans, int maxSpansPerCommit,
                             Consumer<List<TraceSummary>> afterCommit) {
        this(ingest, maxQueuedSpans, maxSpansPerCommit, afterCommit, traces -> { });
    }

    /**
     * @param evaluated told, once a batch is committed, the traces of its spans that carry
     *                  evaluation results ({@code gen_ai.evaluation.result} events, stored as feedback)
     */
    public GroupCommitIngest(TraceIngest<?> ingest, long maxQueuedSpans, int maxSpansPerCommit,
                             Consumer<List<TraceSummary>> afterCommit, Consumer<Set<TraceId>> evaluated) {
        this.lane = new Lane<>(ingest, maxQueuedSpans, maxSpansPerCommit, afterCommit);
        this.evaluated = evaluated;
    }

    /** The queue typed by the store's encoding, which this class never looks into. */
    private static final class Lane<E> {
        private final TraceIngest<E> ingest;
        private final GroupCommitQueue<TraceIngest.Prepared<E>, List<TraceSummary>> queue;

        Lane(TraceIngest<E> ingest, long maxQueuedSpans, int maxSpansPerCommit,
             Consumer<List<TraceSummary>> afterCommit) {
            this.ingest = ingest;
            this.queue = new GroupCommitQueue<>("tta-obs-writer", ingest.concurrentWrites(), "ingest queue", "spans",
                    maxQueuedSpans, maxSpansPerCommit, TraceIngest.Prepared::spanCount, ingest::commit, afterCommit);
        }

        CompletionStage<Void> ingest(SpanBatch batch) {
            // checked before the work of preparing, so an overloaded server refuses cheaply
            queue.checkRoomFor(batch.size());
            return queue.submit(ingest.prepare(batch));
        }
    }

    @Override
    public CompletionStage<Void> ingest(SpanBatch batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> committed = lane.ingest(batch);
        Set<TraceId> judged = evaluatedTraces(batch);
        if (!judged.isEmpty()) {
            committed.thenRun(() -> evaluated.accept(judged));
        }
        return committed;
    }

    private static Set<TraceId> evaluatedTraces(SpanBatch batch) {
        Set<TraceId> out = new LinkedHashSet<>();
        for (Span s : batch.spans()) {
            for (SpanEvent e : s.events()) {
                if (EvaluationEvents.EVENT.equals(e.name())) {
                    out.add(s.traceId());
                    break;
                }
            }
        }
        return out;
    }

    public long queuedSpans() {
        return lane.queue.queuedWeight();
    }

    /** Stops taking new batches, writes everything already queued, then stops the writer. */
    @Override
    public void close() {
        lane.queue.close();
    }
}
