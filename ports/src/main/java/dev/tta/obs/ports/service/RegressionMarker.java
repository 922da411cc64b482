package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.out.RegressionFlags;
import dev.tta.obs.ports.out.StoreUnavailableException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Judges each written trace against its earlier runs once its spans have stopped arriving, and
 * keeps the verdict in the store, so the trace list can badge and filter regressions without a
 * baseline per row. Told of every commit (an afterCommit listener: it only notes the trace ids);
 * the comparisons run on a thread of their own, so ingest never waits for them.
 *
 * <p>A trace is judged after {@code settle} without new spans, and again whenever it gets more.
 * Bounded: judging takes at most a quarter of one core (~1-2 ms a trace, so ~150 traces a
 * second); while a bulk load runs (hundreds of traces waiting and commits still coming) it waits
 * for a pause; at most {@code maxPending} traces wait, beyond that new ones are not judged
 * (counted in {@link #skipped()}).
 */
public final class RegressionMarker implements Consumer<List<TraceSummary>>, AutoCloseable {
    private static final int BATCH = 200;

    private final CompareRuns compare;
    private final RegressionFlags flags;
    private final long settleNanos;
    private final int maxPending;
    private final LongSupplier clock;
    private final LinkedHashMap<TraceId, Long> pending = new LinkedHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;
    private volatile long lastCommitNanos;
    /** More traces waiting than a developer's loop produces: a bulk load is running. */
    private static final int BULK = 200;

    public RegressionMarker(CompareRuns compare, RegressionFlags flags, long settleMillis, int maxPending) {
        this(compare, flags, settleMillis, maxPending, System::nanoTime, true);
    }

    RegressionMarker(CompareRuns compare, RegressionFlags flags, long settleMillis, int maxPending, LongSupplier clock,
                     boolean startWorker) {
        this.compare = compare;
        this.flags = flags;
        this.settleNanos = TimeUnit.MILLISECONDS.toNanos(settleMillis);
        this.maxPending = maxPending;
        this.clock = clock;
        this.worker = new Thread(this::run, "tta-obs-regressions");
        this.worker.setDaemon(true);
        if (startWorker) {
            this.worker.start();
        }
    }

    @Override
    public void accept(List<TraceSummary> committed) {
        long now = clock.getAsLong();
        lastCommitNanos = now;
        synchronized (pending) {
            for (TraceSummary s : committed) {
                TraceId id = s.traceId();
                // re-inserted at the end: the map stays in order of last write
                if (pending.remove(id) == null && pending.size() >= maxPending) {
                    skipped.incrementAndGet();
                    continue;
                }
                pending.put(id, now);
            }
        }
    }

    /** Traces not judged because too many were waiting. */
    public long skipped() {
        return skipped.get();
    }

    private void run() {
        while (!closing) {
            try {
                if (bulkLoadRunning()) {
                    // the CPU belongs to ingest now; the waiting traces are judged when it pauses
                    Thread.sleep(100);
                    continue;
                }
                long start = System.nanoTime();
                if (judgeSettled() == 0) {
                    Thread.sleep(Math.max(50, TimeUnit.NANOSECONDS.toMillis(settleNanos) / 4));
                } else {
                    // at most a quarter of one core, so a burst of traces never slows ingest much;
                    // under bulk load the backlog is bounded by maxPending instead
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(3 * (System.nanoTime() - start)));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a store outage or a bad trace must not stop the judging; the next round tries again
                sleepQuietly();
            }
        }
    }

    private boolean bulkLoadRunning() {
        int waiting;
        synchronized (pending) {
            waiting = pending.size();
        }
        return waiting > BULK && clock.getAsLong() - lastCommitNanos < TimeUnit.MILLISECONDS.toNanos(250);
    }

    /** Judges up to one batch of traces that have been quiet for the settle time; returns how many. */
    int judgeSettled() {
        List<TraceId> due = new ArrayList<>();
        long now = clock.getAsLong();
        synchronized (pending) {
            Iterator<Map.Entry<TraceId, Long>> it = pending.entrySet().iterator();
            while (it.hasNext() && due.size() < BATCH) {
                Map.Entry<TraceId, Long> e = it.next();
                if (now - e.getValue() < settleNanos) {
                    break;
                }
                due.add(e.getKey());
                it.remove();
            }
        }
        if (due.isEmpty()) {
            return 0;
        }
        Map<TraceId, Boolean> verdicts = new LinkedHashMap<>();
        for (TraceId id : due) {
            Optional<CompareRuns.BaselineComparison> c = compare.compareWithBaseline(id);
            c.ifPresent(b -> verdicts.put(id, b.report().enoughBaseline() && b.report().regressed()));
        }
        try {
            flags.flagRegressions(verdicts);
        } catch (StoreUnavailableException e) {
            // judged again once the store is back
            synchronized (pending) {
                for (TraceId id : due) {
                    pending.putIfAbsent(id, now);
                }
            }
            throw e;
        }
        return due.size();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        worker.interrupt();
    }
}
