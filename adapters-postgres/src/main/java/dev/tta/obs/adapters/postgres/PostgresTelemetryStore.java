package dev.tta.obs.adapters.postgres;

import dev.tta.obs.adapters.jdbc.JdbcTelemetryStore;
import dev.tta.obs.adapters.jdbc.JdbcTraceStore;

import java.sql.SQLException;

/**
 * Metrics and logs in the PostgreSQL database of the traces (tables from V7), so a team server keeps
 * everything in one place and writes nothing to the machine it runs on. It borrows the trace store's
 * connection pool, with its retry after a server restart; writes need no lock of their own, since
 * {@code ON CONFLICT DO NOTHING} on the unique dedup key lets several nodes insert at once.
 */
public final class PostgresTelemetryStore extends JdbcTelemetryStore {
    private final PostgresTraceStore traces;

    PostgresTelemetryStore(PostgresTraceStore traces) {
        this.traces = traces;
    }

    @Override
    protected <T> T inTransaction(String what, JdbcTraceStore.Work<T> work) {
        try {
            return traces.withConnection(work, true);
        } catch (SQLException | RuntimeException e) {
            throw unavailable(what, traces.describe(), e);
        }
    }

    @Override
    protected <T> T read(JdbcTraceStore.Work<T> work) {
        try {
            return traces.withConnection(work, false);
        } catch (SQLException | RuntimeException e) {
            throw unavailable("read from", traces.describe(), e);
        }
    }

    /** Nothing of its own to close: the pool is the trace store's, closed with it. */
    @Override
    public void close() {
    }
}
