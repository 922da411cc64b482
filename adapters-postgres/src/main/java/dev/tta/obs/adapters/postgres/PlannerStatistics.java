package dev.tta.obs.adapters.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ANALYZEs the tables writes grow (the traces table, the day's chunk partition) each time one has
 * doubled since this process last did, from {@link #FIRST_ROWS} rows on, on a thread of its own.
 *
 * <p>Autovacuum analyzes a table only on its rounds, a minute apart by default, so a new day's
 * partition, and a table right after a bulk load, can go that long without statistics. Meanwhile
 * the planner takes a trace id to match a two-hundredth of the chunks, so a search for a word joins
 * every chunk holding the word with every trace it walks instead of looking up each trace's chunks
 * (docs/performance.md), and a write's cached lookup of its traces stays the sequential scan that
 * was right when the table was empty. Doubling keeps the work to a few ANALYZEs a day, each of at
 * most a fixed sample of rows.
 *
 * <p>ANALYZE needs the table's owner (or MAINTAIN); with another login PostgreSQL skips the table
 * with a warning, which is logged once, and the tables wait for autovacuum as before.
 */
final class PlannerStatistics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerStatistics.class);
    /** Rows before the first ANALYZE; before that the planner's guesses cost little. */
    static final long FIRST_ROWS = 1_000;
    /** The chunk columns searches filter on; the encoded spans are wide and never filtered. */
    private static final String CHUNK_COLUMNS = " (trace_id, terms, exact)";

    /** Rows this process wrote to a table, and how many it had written at its last ANALYZE. */
    private static final class Growth {
        private long written;
        private long analyzedAt;

        synchronized boolean add(long rows) {
            written += rows;
            return due();
        }

        synchronized boolean due() {
            return written - analyzedAt >= Math.max(FIRST_ROWS, analyzedAt);
        }

        /** @return whether it was due, marked as analyzed now if so */
        synchronized boolean take() {
            if (!due()) {
                return false;
            }
            analyzedAt = written;
            return true;
        }
    }

    /** Runs a statement on a connection of the store's. */
    interface Connections {
        void run(ConnectionWork work) throws SQLException;
    }

    interface ConnectionWork {
        void run(Connection c) throws SQLException;
    }

    private final Connections connections;
    private final Map<String, Growth> tables = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final ExecutorService analyzer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tta-obs-postgres-analyze");
        t.setDaemon(true);
        return t;
    });

    PlannerStatistics(Connections connections) {
        this.connections = connections;
    }

    /** After a commit: it wrote {@code traces} new trace rows and {@code chunks} rows to {@code partition}. */
    void wrote(long traces, String partition, long chunks) {
        boolean due = grow("traces", traces) | grow(partition, chunks);
        if (due && scheduled.compareAndSet(false, true)) {
            try {
                analyzer.execute(this::analyzeDue);
            } catch (RejectedExecutionException closed) {
                scheduled.set(false);
            }
        }
    }

    private boolean grow(String table, long rows) {
        return rows > 0 && tables.computeIfAbsent(table, t -> new Growth()).add(rows);
    }

    /** After retention dropped these partitions. */
    void dropped(Collection<String> partitions) {
        partitions.forEach(tables::remove);
    }

    private void analyzeDue() {
        scheduled.set(false);
        for (Map.Entry<String, Growth> e : List.copyOf(tables.entrySet())) {
            if (!e.getValue().take()) {
                continue;
            }
            String table = e.getKey();
            try {
                connections.run(c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("ANALYZE " + table + (table.equals("traces") ? "" : CHUNK_COLUMNS));
                        SQLWarning skipped = st.getWarnings();
                        if (skipped != null && warned.compareAndSet(false, true)) {
                            LOG.warn("could not refresh the search planner's statistics, autovacuum will later: {}",
                                    skipped.getMessage());
                        }
                    }
                });
            } catch (SQLException | RuntimeException failed) {
                // the server is away or the partition was dropped meanwhile: the next growth tries again
                LOG.debug("ANALYZE {} failed: {}", table, failed.getMessage());
            }
        }
    }

    @Override
    public void close() {
        analyzer.shutdownNow();
    }
}
