package dev.tta.obs.ports.service;

import dev.tta.obs.ports.in.IngestLogs;
import dev.tta.obs.ports.in.IngestMetrics;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.out.TelemetrySink;
import dev.tta.obs.ports.telemetry.LogBatch;
import dev.tta.obs.ports.telemetry.MetricBatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One writer thread for metrics and logs, with the same promises as {@link GroupCommitIngest}:
 * a request is answered after its commit, everything queued meanwhile is committed together,
 * and the queue is bounded in items (points plus records) so that a flood is refused with a
 * retryable error instead of filling the heap.
 */
public final class SerialTelemetryIngest implements IngestMetrics, IngestLogs, AutoCloseable {
    private final TelemetrySink sink;
    private final long maxQueuedItems;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread writer;
    private long queuedItems;
    private boolean closing;

    private record Pending(MetricBatch metrics, LogBatch logs, int size, CompletableFuture<Void> done) {
    }

    public SerialTelemetryIngest(TelemetrySink sink, long maxQueuedItems) {
        if (maxQueuedItems < 1) {
            throw new IllegalArgumentException("queue size must be positive");
        }
        this.sink = sink;
        this.maxQueuedItems = maxQueuedItems;
        this.writer = new Thread(this::run, "tta-obs-telemetry-writer");
        this.writer.start();
    }

    @Override
    public CompletionStage<Void> ingest(MetricBatch batch) {
        return enqueue(batch, null, batch.size());
    }

    @Override
    public CompletionStage<Void> ingest(LogBatch batch) {
        return enqueue(null, batch, batch.size());
    }

    private CompletionStage<Void> enqueue(MetricBatch metrics, LogBatch logs, int size) {
        if (size == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                throw new IngestOverloadedException("tta-obs is shutting down", 5);
            }
            // an oversized request is still taken when the queue is empty, or it could never be stored
            if (queuedItems > 0 && queuedItems + size > maxQueuedItems) {
                throw new IngestOverloadedException("metrics/logs queue is full (" + queuedItems
                        + " items waiting to be written); retry shortly", 1);
            }
            queue.add(new Pending(metrics, logs, size, done));
            queuedItems += size;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    private void run() {
        while (true) {
            List<Pending> group = takeAll();
            if (group == null) {
                return;
            }
            List<MetricBatch> metrics = new ArrayList<>();
            List<LogBatch> logs = new ArrayList<>();
            for (Pending p : group) {
                if (p.metrics() != null) {
                    metrics.add(p.metrics());
                } else {
                    logs.add(p.logs());
                }
            }
            try {
                if (!metrics.isEmpty()) {
                    sink.appendMetrics(metrics);
                }
                if (!logs.isEmpty()) {
                    sink.appendLogs(logs);
                }
            } catch (RuntimeException | Error e) {
                // a group may be half written (metrics yes, logs no); the sink is idempotent, so the retry is safe
                group.forEach(p -> p.done().completeExceptionally(e));
                continue;
            }
            group.forEach(p -> p.done().complete(null));
        }
    }

    private List<Pending> takeAll() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closing) {
                    return null;
                }
                notEmpty.await(200, TimeUnit.MILLISECONDS);
            }
            List<Pending> group = new ArrayList<>(queue);
            queue.clear();
            queuedItems = 0;
            return group;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking new requests, writes everything already queued, then stops the writer. */
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
