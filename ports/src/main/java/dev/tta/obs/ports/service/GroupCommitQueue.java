package dev.tta.obs.ports.service;

import dev.tta.obs.ports.in.IngestOverloadedException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Writer threads in front of a store, usually one. Requests queue up while a commit runs, and the
 * next commit takes them all at once (group commit), so the per-transaction cost (fsync) is paid
 * once per group, not once per request. With several writers (a store whose commits may overlap),
 * each takes the next group when its commit is done, so one group's commit waits for the server
 * while another's runs. The queue is bounded by weight (spans, points), not requests:
 * a few huge requests cannot exhaust memory, and a full queue is refused at once instead of
 * blocking. A request's stage completes only after the commit that holds it.
 */
final class GroupCommitQueue<T, R> implements AutoCloseable {
    private final String what;
    private final String unit;
    private final long maxQueuedWeight;
    private final long maxWeightPerCommit;
    private final ToLongFunction<T> weight;
    private final Function<List<T>, R> commit;
    private final Consumer<R> afterCommit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
    private final List<Thread> writers = new ArrayList<>();
    private long queuedWeight;
    private boolean closing;

    private record Pending<T>(T item, long weight, CompletableFuture<Void> done) {
    }

    /**
     * @param what        the queue's name in the overload message, e.g. "ingest queue"
     * @param unit        what the weight counts, e.g. "spans"
     * @param commit      writes one group durably and says what it wrote; throwing fails every request of the group
     * @param afterCommit told what every committed group wrote, on the writer thread; must be quick
     */
    GroupCommitQueue(String threadName, String what, String unit, long maxQueuedWeight, long maxWeightPerCommit,
                     ToLongFunction<T> weight, Function<List<T>, R> commit, Consumer<R> afterCommit) {
        this(threadName, 1, what, unit, maxQueuedWeight, maxWeightPerCommit, weight, commit, afterCommit);
    }

    /**
     * @param writerCount how many commits may run at once (each on its own thread); {@code commit}
     *                    and {@code afterCommit} must then be safe to call from that many threads
     */
    GroupCommitQueue(String threadName, int writerCount, String what, String unit, long maxQueuedWeight,
                     long maxWeightPerCommit, ToLongFunction<T> weight, Function<List<T>, R> commit,
                     Consumer<R> afterCommit) {
        if (maxQueuedWeight < 1 || maxWeightPerCommit < 1 || writerCount < 1) {
            throw new IllegalArgumentException("queue and commit sizes and the writer count must be positive");
        }
        this.what = what;
        this.unit = unit;
        this.maxQueuedWeight = maxQueuedWeight;
        this.maxWeightPerCommit = maxWeightPerCommit;
        this.weight = weight;
        this.commit = commit;
        this.afterCommit = afterCommit;
        for (int i = 1; i <= writerCount; i++) {
            Thread writer = new Thread(this::run, i == 1 ? threadName : threadName + "-" + i);
            writer.setDaemon(false);
            writers.add(writer);
        }
        writers.forEach(Thread::start);
    }

    CompletionStage<Void> submit(T item) {
        long w = weight.applyAsLong(item);
        if (w == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            refuseUnlessRoomFor(w);
            queue.add(new Pending<>(item, w, done));
            queuedWeight += w;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /**
     * Refuses at once when {@code w} would not fit now, like {@link #submit} would, so a caller can
     * skip expensive preparation of an item that is going to be refused. Advisory: submit checks again.
     */
    void checkRoomFor(long w) {
        lock.lock();
        try {
            refuseUnlessRoomFor(w);
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. */
    private void refuseUnlessRoomFor(long w) {
        if (closing) {
            throw new IngestOverloadedException("tta-obs is shutting down", 5);
        }
        // an oversized request is still taken when the queue is empty, or it could never be stored
        if (queuedWeight > 0 && queuedWeight + w > maxQueuedWeight) {
            throw new IngestOverloadedException(what + " is full (" + queuedWeight + " " + unit
                    + " waiting to be written); retry shortly", 1);
        }
    }

    long queuedWeight() {
        lock.lock();
        try {
            return queuedWeight;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Pending<T>> group = takeGroup();
            if (group == null) {
                return;
            }
            List<T> items = new ArrayList<>(group.size());
            for (Pending<T> p : group) {
                items.add(p.item());
            }
            R written;
            try {
                written = commit.apply(items);
            } catch (RuntimeException | Error e) {
                for (Pending<T> p : group) {
                    p.done().completeExceptionally(e);
                }
                continue;
            }
            for (Pending<T> p : group) {
                p.done().complete(null);
            }
            try {
                afterCommit.accept(written);
            } catch (RuntimeException e) {
                // a listener's failure must never turn a committed write into an error
            }
        }
    }

    private List<Pending<T>> takeGroup() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closing) {
                    return null;
                }
                notEmpty.await(200, TimeUnit.MILLISECONDS);
            }
            List<Pending<T>> group = new ArrayList<>();
            long taken = 0;
            while (!queue.isEmpty() && (group.isEmpty() || taken + queue.peek().weight() <= maxWeightPerCommit)) {
                Pending<T> p = queue.poll();
                group.add(p);
                taken += p.weight();
            }
            queuedWeight -= taken;
            return group;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking new requests, writes everything already queued, then stops the writers. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            for (Thread writer : writers) {
                TimeUnit.NANOSECONDS.timedJoin(writer, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
