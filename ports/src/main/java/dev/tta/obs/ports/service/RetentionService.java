package dev.tta.obs.ports.service;

import dev.tta.obs.ports.out.TraceEraser;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the store within its retention limits in the background: the newest {@code maxTraces}
 * traces and those that arrived within {@code maxAge}. Evicts in small batches so an ingest commit
 * never waits behind a long delete, and counts what it evicted so the API can say so.
 */
public final class RetentionService implements AutoCloseable {
    static final int BATCH = 500;

    private final TraceEraser eraser;
    private final long maxTraces;
    private final Duration maxAge;
    private final Clock clock;
    private final AtomicLong evicted = new AtomicLong();
    private final ScheduledExecutorService scheduler;

    /**
     * @param maxTraces 0 for no count limit
     * @param maxAge    {@link Duration#ZERO} for no age limit
     */
    public RetentionService(TraceEraser eraser, long maxTraces, Duration maxAge, Clock clock, Duration every) {
        if (maxTraces < 0 || maxAge.isNegative()) {
            throw new IllegalArgumentException("retention limits cannot be negative");
        }
        this.eraser = eraser;
        this.maxTraces = maxTraces;
        this.maxAge = maxAge;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tta-obs-retention");
            t.setDaemon(true);
            return t;
        });
        if (enabled()) {
            scheduler.scheduleWithFixedDelay(this::runQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public boolean enabled() {
        return maxTraces > 0 || !maxAge.isZero();
    }

    public Optional<Long> maxTraces() {
        return maxTraces > 0 ? Optional.of(maxTraces) : Optional.empty();
    }

    public Optional<Duration> maxAge() {
        return maxAge.isZero() ? Optional.empty() : Optional.of(maxAge);
    }

    /** Traces evicted since start. */
    public long evictedTraces() {
        return evicted.get();
    }

    /** One pass: evicts until within limits; returns how many traces it evicted. */
    public long runOnce() {
        if (!enabled()) {
            return 0;
        }
        long keep = maxTraces > 0 ? maxTraces : Long.MAX_VALUE;
        Optional<Long> before = maxAge.isZero() ? Optional.empty()
                : Optional.of((clock.millis() - maxAge.toMillis()) * 1_000_000L);
        long total = 0;
        long n;
        do {
            n = eraser.evict(keep, before, BATCH);
            total += n;
            evicted.addAndGet(n);
        } while (n >= BATCH);
        return total;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // the store is unavailable for now (it says why to ingest); the next pass tries again
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
