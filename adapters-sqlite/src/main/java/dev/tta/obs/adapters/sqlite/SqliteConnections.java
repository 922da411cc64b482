package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.JdbcTraceStore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * The SQLite store's connections to its file in WAL mode, where readers never block the single
 * writer: the writer (its transactions committed through {@link #commit}, which tells the
 * {@link WalCheckpointer} beside it) and a few readers, each with the search index attached and
 * its own {@link TermChunkCache}.
 */
final class SqliteConnections implements AutoCloseable {
    private static final int READERS = 4;

    private final Path file;
    /** Readers only, opened to leave every file as it is ({@link #readOnly(Path, Optional)}). */
    private final boolean readOnly;
    private final SqliteWriter writer;
    private final WalCheckpointer checkpointer;
    /** Most recently used first, so that sequential reads keep using the connection whose term cache is warm. */
    private final BlockingDeque<Connection> readers = new LinkedBlockingDeque<>(READERS);
    private final List<Connection> allReaders = new ArrayList<>();
    private final Map<Connection, TermChunkCache> termCaches = new IdentityHashMap<>();

    /**
     * @param writeLock what the writer's callers synchronize on; the checkpointer takes it for the
     *                  last step of a log restart
     */
    SqliteConnections(Path file, SearchIndex index, Object writeLock) throws SQLException {
        this(file, false, index::attachTo, writeLock);
    }

    /**
     * Readers only, for a process that must not change the files: no writer, no checkpointer.
     *
     * @param indexFile the search index, attached read-only; or none when its file is missing
     */
    static SqliteConnections readOnly(Path file, Optional<Path> indexFile) throws SQLException {
        return new SqliteConnections(file, true, c -> {
            if (indexFile.isPresent()) {
                SearchIndex.attach(c, SqliteFiles.readOnlyTarget(indexFile.get()));
            } else {
                SearchIndex.attachEmpty(c);
            }
        }, null);
    }

    private interface Attach {
        void to(Connection reader) throws SQLException;
    }

    private SqliteConnections(Path file, boolean readOnly, Attach index, Object writeLock) throws SQLException {
        this.file = file;
        this.readOnly = readOnly;
        this.writer = readOnly ? null : new SqliteWriter(file, c -> {
            try (var st = c.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint = " + WalCheckpointer.WRITER_CHECKPOINT_PAGES);
            }
        });
        WalCheckpointer started = null;
        try {
            if (!readOnly) {
                writer.requireWritable();
                started = new WalCheckpointer(connect(false), file, writeLock, "tta-obs-checkpointer",
                        WalCheckpointer.RESTART_PAGES);
            }
            for (int i = 0; i < READERS; i++) {
                Connection c = connect(true);
                allReaders.add(c);
                readers.add(c);
                index.to(c);
                termCaches.put(c, new TermChunkCache(c));
            }
        } catch (SQLException | RuntimeException e) {
            allReaders.forEach(SqliteConnections::closeQuietly);
            if (started != null) {
                started.close();
            }
            if (writer != null) {
                writer.close();
            }
            throw e;
        }
        this.checkpointer = started;
    }

    private Connection connect(boolean reader) throws SQLException {
        return SqliteFiles.config(reader).createConnection(readOnly ? SqliteFiles.readOnlyUrl(file) : SqliteFiles.url(file));
    }

    /** The writer's connection, in a transaction; callers hold the write lock. */
    Connection writer() throws SQLException {
        return writer.connection();
    }

    void commit() throws SQLException {
        writer.commit();
        checkpointer.committed();
    }

    /** Ends a failed write's transaction, whatever state it is in ({@link SqliteWriter}). */
    void rollback(String reason) {
        writer.rollback(reason);
    }

    /** Why the last write failed, while none has succeeded since. */
    Optional<String> writeFailure() {
        return writer == null ? Optional.empty() : writer.failure();
    }

    /** Runs {@code work} on a reader, the one used last if it is free. */
    <T> T read(JdbcTraceStore.Work<T> work) throws SQLException, InterruptedException {
        Connection c = readers.takeFirst();
        try {
            return work.run(c);
        } finally {
            readers.addFirst(c);
        }
    }

    /**
     * Replaces the search index every reader has attached: waits for each reader to be free,
     * detaches the old file, lets {@code replace} swap the files, and attaches the new one.
     */
    void replaceIndex(IndexSwap replace) throws SQLException, InterruptedException {
        List<Connection> taken = new ArrayList<>();
        try {
            for (int i = 0; i < READERS; i++) {
                taken.add(readers.takeFirst());
            }
            for (Connection c : taken) {
                termCaches.get(c).clear();
                try (var st = c.createStatement()) {
                    st.execute("DETACH DATABASE search");
                }
            }
            SearchIndex index = replace.swap();
            for (Connection c : taken) {
                index.attachTo(c);
            }
        } finally {
            taken.forEach(readers::addLast);
        }
    }

    interface IndexSwap {
        SearchIndex swap() throws SQLException;
    }

    TermChunkCache termCache(Connection reader) {
        return termCaches.get(reader);
    }

    /** Stops the checkpointer first and outside the write lock: its last checkpoint may be waiting for that lock. */
    void stopCheckpointer() {
        if (checkpointer != null) {
            checkpointer.close();
        }
    }

    /** Closes the connections, leaving a single file behind (the log checkpointed) for the next start and for backups. */
    @Override
    public void close() {
        for (Connection c : allReaders) {
            closeQuietly(c);
        }
        if (writer == null) {
            return;
        }
        try (var st = writer.connection().createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException ignored) {
            // best effort: SQLite replays the WAL on the next open anyway
        }
        writer.close();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing; nothing left to do with a failure
        }
    }
}
