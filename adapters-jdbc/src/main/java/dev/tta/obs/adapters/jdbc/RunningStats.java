package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TraceStats;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The /api/stats numbers (shared by the SQL stores), kept up to date by the writer (a changed trace is removed with its old
 * summary and added with its new one) so that reading them costs microseconds, not a table scan.
 * Durations go into log-scale buckets 2% wide, which bounds a percentile's error at about 2%.
 */
public final class RunningStats {
    private static final double BASE = 1.02;
    private static final double LOG_BASE = Math.log(BASE);
    private static final int BUCKETS = 2048;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private final long[] buckets = new long[BUCKETS];
    private final Map<Long, DayCost> costByDay = new HashMap<>();
    private long count;
    /** Runs that failed; a run that recovered from its errors is counted in {@code recoveredTraces}. */
    private long errorTraces;
    private long recoveredTraces;
    private double sumDurationNs;

    private static final class DayCost {
        double cost;
        long priced;
        long unpricedLlm;
    }

    static int bucket(long durationNs) {
        if (durationNs < 1000) {
            return 0;
        }
        return Math.min(BUCKETS - 1, 1 + (int) (Math.log(durationNs / 1000.0) / LOG_BASE));
    }

    private static double bucketMs(int b) {
        return b == 0 ? 0.0 : 1000 * Math.pow(BASE, b - 0.5) / 1_000_000.0;
    }

    public synchronized void add(TraceSummary s) {
        apply(s, 1);
    }

    public synchronized void remove(TraceSummary s) {
        apply(s, -1);
    }

    public synchronized void clear() {
        java.util.Arrays.fill(buckets, 0);
        costByDay.clear();
        count = 0;
        errorTraces = 0;
        recoveredTraces = 0;
        sumDurationNs = 0;
    }

    private void apply(TraceSummary s, int sign) {
        count += sign;
        sumDurationNs += sign * (double) s.durationNanos();
        buckets[bucket(s.durationNanos())] += sign;
        switch (s.outcome()) {
            case FAILED -> errorTraces += sign;
            case RECOVERED -> recoveredTraces += sign;
            case OK -> { }
        }
        long day = Math.floorDiv(s.startTimeUnixNano(), NANOS_PER_DAY);
        var cost = s.rollup().costUsd();
        if (cost.isPresent() || s.rollup().llmCalls() > 0) {
            DayCost d = costByDay.computeIfAbsent(day, k -> new DayCost());
            if (cost.isPresent()) {
                d.cost += sign * cost.get();
                d.priced += sign;
            } else {
                d.unpricedLlm += sign;
            }
            if (d.priced == 0 && d.unpricedLlm == 0) {
                costByDay.remove(day);
            }
        }
    }

    public synchronized TraceStats snapshot(LocalDate costDay) {
        if (count <= 0) {
            return TraceStats.EMPTY;
        }
        DayCost d = costByDay.get(costDay.toEpochDay());
        Optional<Double> cost;
        if (d == null) {
            cost = Optional.of(0.0);
        } else if (d.priced == 0) {
            cost = Optional.empty();
        } else {
            cost = Optional.of(Math.max(0.0, d.cost));
        }
        return new TraceStats(count, sumDurationNs / count / 1_000_000.0, percentile(0.50), percentile(0.95),
                percentile(0.99), (double) errorTraces / count, cost, (double) recoveredTraces / count);
    }

    private double percentile(double q) {
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += buckets[b];
            if (seen >= rank) {
                return bucketMs(b);
            }
        }
        return bucketMs(BUCKETS - 1);
    }
}
