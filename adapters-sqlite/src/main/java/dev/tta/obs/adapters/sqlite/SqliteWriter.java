package dev.tta.obs.adapters.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A writer connection whose transactions end cleanly even when a write fails, and which remembers
 * why the last write failed until one succeeds (for {@code /api/health}).
 *
 * <p>The driver runs {@code commit()} and {@code rollback()} as {@code COMMIT} or {@code ROLLBACK}
 * followed by {@code BEGIN}. On a full disk (or an I/O error) SQLite may roll the transaction back
 * itself; the driver's {@code ROLLBACK} then fails ("no transaction is active"), its {@code BEGIN}
 * never runs, and the connection is left outside any transaction while the driver believes it is
 * in one: each later statement commits on its own (an export answered 503 was stored anyway), and
 * every {@code commit()} fails with "cannot commit - no transaction is active", for good. A
 * connection whose rollback fails is therefore closed and opened again, in a known state.
 *
 * <p>Callers hold the store's write lock.
 */
final class SqliteWriter implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqliteWriter.class);

    /** Sets a new connection up before its first transaction (pragmas); autocommit is turned off after. */
    interface Setup {
        void apply(Connection c) throws SQLException;
    }

    private final Path file;
    private final Setup setup;
    /** None after a failed reopen; the next write tries again. */
    private Connection connection;
    private volatile String failure;
    /** SQLite's count of rows changed on the connection when its transaction began. */
    private long changesBefore;

    SqliteWriter(Path file, Setup setup) throws SQLException {
        this.file = file;
        this.setup = setup;
        this.connection = open();
    }

    private Connection open() throws SQLException {
        Connection c = SqliteFiles.config(false).createConnection(SqliteFiles.url(file));
        try {
            setup.apply(c);
            c.setAutoCommit(false);
            changesBefore = changes(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The connection, in a transaction; reopened first when the last rollback could not end one. */
    Connection connection() throws SQLException {
        if (connection == null) {
            connection = open();
        }
        return connection;
    }

    /**
     * Fails now, with SQLITE_READONLY, when the file cannot be written (a read-only file, directory
     * or mount), instead of on the first export: SQLite opens such a file read-only without a word,
     * and the server would start "ready" and refuse every export. Begins a write and rolls it back.
     */
    void requireWritable() throws SQLException {
        Connection c = connection();
        try (java.sql.Statement st = c.createStatement()) {
            int version;
            try (java.sql.ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            st.executeUpdate("PRAGMA user_version = " + version);
        } finally {
            c.rollback();
            changesBefore = changes(c);
        }
    }

    /** Commits; on failure the caller calls {@link #rollback} (the transaction may or may not be open). */
    void commit() throws SQLException {
        Connection c = connection();
        boolean wrote = changes(c) != changesBefore;
        c.commit();
        changesBefore = changes(c);
        // a commit that changed nothing (a retention pass with nothing to remove) wrote nothing to
        // the disk either, so it says nothing about whether writing works again
        if (failure != null && wrote) {
            LOG.info("Writing to {} works again", file);
            failure = null;
        }
    }

    private static long changes(Connection c) throws SQLException {
        return c.unwrap(org.sqlite.SQLiteConnection.class).getDatabase().total_changes();
    }

    /** Ends the failed transaction, whatever state it is in, and remembers why it failed. */
    void rollback(String reason) {
        if (failure == null) {
            LOG.warn("Writing to {} failed: {}", file, reason);
        }
        failure = reason;
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
            changesBefore = changes(connection);
        } catch (SQLException rollbackFailed) {
            // SQLite has ended the transaction itself, or the connection is broken: start afresh
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced
            }
            connection = null;
            try {
                connection = open();
            } catch (SQLException e) {
                // opened again on the next write
            }
        }
    }

    /** Why the last write failed, as long as none has succeeded since. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing; nothing left to do with a failure
            }
        }
    }
}
