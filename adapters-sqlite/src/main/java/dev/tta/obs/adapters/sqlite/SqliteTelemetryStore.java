package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.JdbcTelemetryStore;
import dev.tta.obs.adapters.jdbc.JdbcTraceStore;
import dev.tta.obs.ports.out.StoreUnavailableException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Metrics and logs in the same SQLite file as the traces (tables from V2). It has its own writer
 * connection: SQLite serializes it with the span writer through the busy timeout, which is cheap
 * because metrics and logs arrive far less often than spans. Open it after {@link SqliteTraceStore},
 * which runs the migrations.
 */
public final class SqliteTelemetryStore extends JdbcTelemetryStore {
    private final Path file;
    private final SqliteWriter writer;
    private final Connection reader;

    private SqliteTelemetryStore(Path file) throws SQLException {
        this.file = file;
        this.writer = new SqliteWriter(file, c -> { });
        this.reader = SqliteFiles.config(true).createConnection(SqliteFiles.url(file));
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    public static SqliteTelemetryStore open(Path file) {
        try {
            SqliteSchema.migrate(file);
            return new SqliteTelemetryStore(file);
        } catch (Exception e) {
            throw new StoreUnavailableException("cannot open SQLite database " + file + ": " + JdbcTraceStore.rootMessage(e), e);
        }
    }

    @Override
    protected synchronized <T> T inTransaction(String what, JdbcTraceStore.Work<T> work) {
        try {
            T result = work.run(writer.connection());
            writer.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            writer.rollback(JdbcTraceStore.rootMessage(e));
            throw unavailable(what, file.toString(), e);
        }
    }

    @Override
    protected <T> T read(JdbcTraceStore.Work<T> work) {
        // one reader connection is enough for the rare metric and log reads; the writer's lock is not taken
        synchronized (reader) {
            try {
                return work.run(reader);
            } catch (SQLException e) {
                throw unavailable("read", file.toString(), e);
            }
        }
    }

    @Override
    public Optional<String> writeFailure() {
        return writer.failure();
    }

    @Override
    public synchronized void close() {
        writer.close();
        try {
            reader.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to protect
        }
    }
}
