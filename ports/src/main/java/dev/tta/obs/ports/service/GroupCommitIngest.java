package dev.tta.obs.ports.service;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.ports.out.SpanSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One writer thread in front of the store. Requests queue up while a commit runs, and the next
 * commit takes them all at once (group commit), so the per-transaction cost (fsync) is paid once
 * per group, not once per request. The queue is bounded in spans, not requests: a few huge
 * requests cannot exhaust memory, and a full queue is refused at once instead of blocking.
 */
public final class GroupCommitIngest implements IngestSpans, AutoCloseable {
    private final SpanSink sink;
    private final long maxQueuedSpans;
    private final int maxSpansPerCommit;
    private final Consumer<List<SpanBatch>> afterCommit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread writer;
    private long queuedSpans;
    private volatile boolean closing;

    private record Pending(SpanBatch batch, CompletableFuture<Void> done) {
    }

    /**
     * @param afterCommit told of every committed group, on the writer thread; must be quick
     */
    public GroupCommitIngest(SpanSink sink, long maxQueuedSpans, int maxSpansPerCommit,
                             Consumer<List<SpanBatch>> afterCommit) {
        if (maxQueuedSpans < 1 || maxSpansPerCommit < 1) {
            throw new IllegalArgumentException("queue and commit sizes must be positive");
        }
        this.sink = sink;
        this.maxQueuedSpans = maxQueuedSpans;
        this.maxSpansPerCommit = maxSpansPerCommit;
        this.afterCommit = afterCommit;
        this.writer = new Thread(this::run, "tta-obs-writer");
        this.writer.setDaemon(false);
        this.writer.start();
    }

    @Override
    public CompletionStage<Void> ingest(SpanBatch batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                throw new IngestOverloadedException("tta-obs is shutting down", 5);
            }
            // an oversized single batch is still taken when the queue is empty, or it could never be stored
            if (queuedSpans > 0 && queuedSpans + batch.size() > maxQueuedSpans) {
                throw new IngestOverloadedException("ingest queue is full (" + queuedSpans
                        + " spans waiting to be written); retry shortly", 1);
            }
            queue.add(new Pending(batch, done));
            queuedSpans += batch.size();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    public long queuedSpans() {
        lock.lock();
        try {
            return queuedSpans;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Pending> group = takeGroup();
            if (group == null) {
                return;
            }
            List<SpanBatch> batches = new ArrayList<>(group.size());
            for (Pending p : group) {
                batches.add(p.batch());
            }
            try {
                sink.append(batches);
            } catch (RuntimeException | Error e) {
                for (Pending p : group) {
                    p.done().completeExceptionally(e);
                }
                continue;
            }
            for (Pending p : group) {
                p.done().complete(null);
            }
            try {
                afterCommit.accept(batches);
            } catch (RuntimeException e) {
                // a listener's failure must never turn a committed write into an error
            }
        }
    }

    private List<Pending> takeGroup() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closing) {
                    return null;
                }
                notEmpty.await(200, TimeUnit.MILLISECONDS);
            }
            List<Pending> group = new ArrayList<>();
            int spans = 0;
            while (!queue.isEmpty() && (group.isEmpty() || spans + queue.peek().batch().size() <= maxSpansPerCommit)) {
                Pending p = queue.poll();
                group.add(p);
                spans += p.batch().size();
            }
            queuedSpans -= spans;
            return group;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking new batches, writes everything already queued, then stops the writer. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
