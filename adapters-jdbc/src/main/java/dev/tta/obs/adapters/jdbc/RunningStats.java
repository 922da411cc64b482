package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TraceStats;

import java.time.LocalDate;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The /api/stats numbers (shared by the SQL stores), kept up to date by the writer (a changed trace is removed with its old
 * summary and added with its new one) so that reading them costs microseconds, not a table scan.
 * Durations go into log-scale buckets 2% wide, which bounds a percentile's error at about 2%.
 * SQLite keeps one in memory; PostgreSQL keeps its buckets and days as rows, and uses one per write
 * to hold that write's change to them ({@link #forEachBucket}, {@link #forEachDay}).
 */
public final class RunningStats {
    private static final double BASE = 1.02;
    private static final double LOG_BASE = Math.log(BASE);
    private static final int BUCKETS = 2048;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    /** Per duration bucket: traces, failed runs, recovered runs, summed duration (what a database rollup keeps per row). */
    private final long[] buckets = new long[BUCKETS];
    private final long[] failed = new long[BUCKETS];
    private final long[] recovered = new long[BUCKETS];
    private final double[] durationNs = new double[BUCKETS];
    private final Map<Long, DayCost> costByDay = new TreeMap<>();

    private static final class DayCost {
        double cost;
        long priced;
        long unpricedLlm;
    }

    /** One duration bucket's rollup row. */
    @FunctionalInterface
    public interface BucketRow {
        void accept(int bucket, long traces, long failed, long recovered, double durationNs) throws SQLException;
    }

    /** One start day's cost rollup row ({@code day}: days since 1970-01-01, UTC). */
    @FunctionalInterface
    public interface DayRow {
        void accept(long day, double costUsd, long priced, long unpricedLlm) throws SQLException;
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
        java.util.Arrays.fill(failed, 0);
        java.util.Arrays.fill(recovered, 0);
        java.util.Arrays.fill(durationNs, 0);
        costByDay.clear();
    }

    private void apply(TraceSummary s, int sign) {
        int b = bucket(s.durationNanos());
        buckets[b] += sign;
        durationNs[b] += sign * (double) s.durationNanos();
        switch (s.outcome()) {
            case FAILED -> failed[b] += sign;
            case RECOVERED -> recovered[b] += sign;
            case OK -> { }
        }
        long day = Math.floorDiv(s.startTimeUnixNano(), NANOS_PER_DAY);
        var cost = s.rollup().costUsd();
        if (cost.isPresent() || s.rollup().llmCalls() > 0) {
            // kept when it nets to zero: as a change to a database rollup, +1 priced and -1 priced with
            // a different cost still carries the cost's difference
            DayCost d = costByDay.computeIfAbsent(day, k -> new DayCost());
            if (cost.isPresent()) {
                d.cost += sign * cost.get();
                d.priced += sign;
            } else {
                d.unpricedLlm += sign;
            }
        }
    }

    /** Adds a rollup row read from a database, as if its traces had been added one by one. */
    public synchronized void addBucket(int bucket, long traces, long failedRuns, long recoveredRuns, double durations) {
        int b = Math.max(0, Math.min(BUCKETS - 1, bucket));
        buckets[b] += traces;
        failed[b] += failedRuns;
        recovered[b] += recoveredRuns;
        durationNs[b] += durations;
    }

    /** Adds a cost rollup row read from a database. */
    public synchronized void addDay(long day, double costUsd, long priced, long unpricedLlm) {
        DayCost d = costByDay.computeIfAbsent(day, k -> new DayCost());
        d.cost += costUsd;
        d.priced += priced;
        d.unpricedLlm += unpricedLlm;
    }

    /** The buckets that are not all zero, in bucket order (so row locks are always taken in one order). */
    public synchronized void forEachBucket(BucketRow row) throws SQLException {
        for (int b = 0; b < BUCKETS; b++) {
            if (buckets[b] != 0 || failed[b] != 0 || recovered[b] != 0 || durationNs[b] != 0) {
                row.accept(b, buckets[b], failed[b], recovered[b], durationNs[b]);
            }
        }
    }

    /** The days with a cost entry, in day order. */
    public synchronized void forEachDay(DayRow row) throws SQLException {
        for (Map.Entry<Long, DayCost> e : costByDay.entrySet()) {
            row.accept(e.getKey(), e.getValue().cost, e.getValue().priced, e.getValue().unpricedLlm);
        }
    }

    public synchronized TraceStats snapshot(LocalDate costDay) {
        long count = 0;
        long errorTraces = 0;
        long recoveredTraces = 0;
        double sumDurationNs = 0;
        for (int b = 0; b < BUCKETS; b++) {
            count += buckets[b];
            errorTraces += failed[b];
            recoveredTraces += recovered[b];
            sumDurationNs += durationNs[b];
        }
        if (count <= 0) {
            return TraceStats.EMPTY;
        }
        DayCost d = costByDay.get(costDay.toEpochDay());
        Optional<Double> cost;
        if (d == null || (d.priced == 0 && d.unpricedLlm == 0)) {
            cost = Optional.of(0.0);
        } else if (d.priced == 0) {
            cost = Optional.empty();
        } else {
            cost = Optional.of(Math.max(0.0, d.cost));
        }
        return new TraceStats(count, sumDurationNs / count / 1_000_000.0, percentile(count, 0.50),
                percentile(count, 0.95), percentile(count, 0.99), (double) errorTraces / count, cost,
                (double) recoveredTraces / count);
    }

    private double percentile(long count, double q) {
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
