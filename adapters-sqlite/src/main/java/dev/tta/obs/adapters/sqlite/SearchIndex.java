package dev.tta.obs.adapters.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The full-text rows of span chunks ({@code chunk_terms}, FTS5), kept in a file of their own next to
 * the database, so that writing them takes that file's write lock and not the spans' one: the
 * writer commits and acknowledges spans while the index writes the previous commits' rows on the
 * other core. (In the same file, every index transaction held up the writer while FTS5 wrote and
 * merged its segments.)
 *
 * <p>Rows are queued by the writer after its commit and written in transactions of up to
 * {@link #BATCH_CHUNKS} chunks or after a short delay, in the order they were queued, together with
 * a mark: every chunk id up to it is indexed. Opening compares that mark with the spans' chunks
 * and indexes what is above it, which is how a crash, a lost or deleted index file, or a database
 * from before this file existed all heal. Chunk ids are never given out twice (the next id is above
 * both the spans' highest id and the mark), so a row whose chunk is gone (its delete was queued when
 * the process died, or the spans' file lost commits the index had kept) matches nothing.
 *
 * <p>Readers attach the file as {@code search}; SQLite resolves the unqualified table names
 * {@code chunk_terms} and {@code search_index_state} there, since the main file has neither.
 */
final class SearchIndex implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SearchIndex.class);
    /** Rows per index transaction; also how many rows a caller hands over at once at most. */
    static final int BATCH_CHUNKS = 2_000;
    /** The writer waits for the index beyond this many queued chunks, so the queue's memory is bounded. */
    private static final int MAX_QUEUED_CHUNKS = 20_000;

    /** One chunk's full-text row: its terms as written in FTS5 (see {@link SqliteTerms}). */
    record Row(long chunkId, String terms) {
    }

    private interface Op {
    }

    private record Insert(List<Row> rows) implements Op {
    }

    private record Delete(List<Long> chunkIds) implements Op {
    }

    private record DeleteAll(long upto) implements Op {
    }

    private final Path file;
    private final long delayNanos;
    /** Only one transaction writes the file at a time: the holder of this lock. */
    private final Object writeLock = new Object();
    private final SqliteWriter writer;
    /** Guarded by itself, in the order the writer queued. */
    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    private int queuedChunks;
    private long oldestQueuedNanos;
    /** Whether rows are queued or being written; a term search waits for them when set. */
    private volatile boolean behind;
    private volatile long mark;
    private final ScheduledExecutorService thread;

    private SearchIndex(Path file, long delayNanos) throws SQLException {
        this.file = file;
        this.delayNanos = delayNanos;
        this.writer = new SqliteWriter(file, this::createSchema);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tta-obs-search-index");
            t.setDaemon(true);
            return t;
        });
        this.thread.scheduleWithFixedDelay(this::writeIfDue, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** The index file of database {@code dbFile}: {@code tta-obs.sqlite} has {@code tta-obs-search.sqlite}. */
    static Path fileFor(Path dbFile) {
        String name = dbFile.getFileName().toString();
        String stem = name.endsWith(".sqlite") ? name.substring(0, name.length() - ".sqlite".length()) : name;
        return dbFile.resolveSibling(stem + "-search.sqlite");
    }

    /**
     * Opens the index file, creating it when missing; a file SQLite finds damaged is moved aside
     * and replaced by an empty one, which opening the store then fills from the spans.
     */
    static SearchIndex open(Path file, long delayNanos) throws SQLException {
        try {
            return new SearchIndex(file, delayNanos);
        } catch (SQLException e) {
            if (!isDamage(e)) {
                throw e;
            }
            LOG.warn("The search index {} is damaged ({}); rebuilding it from the stored spans", file, e.getMessage());
            moveAside(file);
            return new SearchIndex(file, delayNanos);
        }
    }

    /** Whether {@code e} (or a cause) is SQLite saying a file is damaged or not a database. */
    static boolean isDamage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.sqlite.SQLiteException s) {
                int primary = s.getResultCode().code & 0xff;
                if (primary == 11 || primary == 26) { // SQLITE_CORRUPT, SQLITE_NOTADB
                    return true;
                }
            }
        }
        return false;
    }

    /** Checks the whole file ({@code quick_check}, on a connection of its own): whether it is damaged. */
    boolean damaged() {
        try (Connection c = SqliteFiles.config(true).createConnection(SqliteFiles.url(file));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA quick_check(1)")) {
            return !rs.next() || !"ok".equalsIgnoreCase(rs.getString(1));
        } catch (SQLException e) {
            return isDamage(e);
        }
    }

    /** Keeps a damaged file as {@code <name>.damaged} for a look, out of the way of a new one. */
    static void moveAside(Path file) {
        try {
            java.nio.file.Files.move(file, file.resolveSibling(file.getFileName() + ".damaged"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
            java.nio.file.Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot move the damaged search index " + file + " aside", e);
        }
    }

    /** Run on each new writer connection: creates what is missing and reads the mark. */
    private void createSchema(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("CREATE TABLE IF NOT EXISTS search_index_state ("
                    + " id INTEGER PRIMARY KEY CHECK (id = 1), indexed_upto INTEGER NOT NULL)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'chunk_terms'")) {
                rs.next();
                if (rs.getInt(1) == 0) {
                    // detail=none: no positions, only which chunks hold a term; contentless: the terms
                    // are rebuilt from the spans when needed, never read back
                    st.executeUpdate("CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, content='',"
                            + " contentless_delete=1, detail=none)");
                    // merge segments less often than the default, and never all of a level at once:
                    // a whole-level ("crisis") merge in a large index is one long transaction
                    st.executeUpdate("INSERT INTO chunk_terms (chunk_terms, rank) VALUES ('automerge', 16)");
                    st.executeUpdate("INSERT INTO chunk_terms (chunk_terms, rank) VALUES ('crisismerge', 64)");
                }
            }
            st.executeUpdate("INSERT OR IGNORE INTO search_index_state (id, indexed_upto) VALUES (1, 0)");
            try (ResultSet rs = st.executeQuery("SELECT indexed_upto FROM search_index_state")) {
                rs.next();
                mark = rs.getLong(1);
            }
        }
    }

    Path file() {
        return file;
    }

    /** Every chunk id up to this one has its row written (or deleted). */
    long mark() {
        return mark;
    }

    boolean behind() {
        return behind;
    }

    /** Why writing search rows failed last, while it has not worked since. */
    java.util.Optional<String> writeFailure() {
        return writer.failure();
    }

    /** Makes the index readable from {@code c} (a connection to the spans' file) as schema {@code search}. */
    void attachTo(Connection c) throws SQLException {
        attach(c, file.toAbsolutePath().toString());
    }

    /** Attaches index file {@code target} (a path or a file: URI) to {@code c} as schema {@code search}, read-only when {@code c} is. */
    static void attach(Connection c, String target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS search")) {
            ps.setString(1, target);
            ps.execute();
        }
    }

    /**
     * For a read-only reader when the index file is missing: an empty index among the connection's
     * temporary tables (the one schema a read-only connection may write, in memory), so that a
     * term search finds nothing instead of failing on a missing table.
     */
    static void attachEmpty(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TEMP TABLE search_index_state (id INTEGER PRIMARY KEY, indexed_upto INTEGER NOT NULL)");
            st.executeUpdate("INSERT INTO temp.search_index_state VALUES (1, 0)");
            st.executeUpdate("CREATE VIRTUAL TABLE temp.chunk_terms USING fts5(terms, content='', detail=none)");
        }
    }

    /** Queues rows of committed chunks, in increasing chunk id order; waits when the index is far behind. */
    void add(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int queued;
        synchronized (queue) {
            if (queuedChunks == 0) {
                oldestQueuedNanos = System.nanoTime();
            }
            queue.add(new Insert(rows));
            queuedChunks += rows.size();
            queued = queuedChunks;
            behind = true;
        }
        if (queued > MAX_QUEUED_CHUNKS) {
            writeQuietly();
        } else if (queued >= BATCH_CHUNKS) {
            thread.execute(this::writeQuietly);
        }
    }

    /** Queues the removal of deleted chunks' rows, after any of their rows still queued. */
    void remove(List<Long> chunkIds) {
        if (chunkIds.isEmpty()) {
            return;
        }
        synchronized (queue) {
            if (queuedChunks == 0) {
                oldestQueuedNanos = System.nanoTime();
            }
            queue.add(new Delete(chunkIds));
            queuedChunks += 1;
            behind = true;
        }
    }

    /** Queues the removal of every row; what was queued before is dropped, it would be removed anyway. */
    void removeAll(long upto) {
        synchronized (queue) {
            queue.clear();
            queue.add(new DeleteAll(upto));
            queuedChunks = 1;
            oldestQueuedNanos = System.nanoTime();
            behind = true;
        }
    }

    private void writeIfDue() {
        boolean due;
        synchronized (queue) {
            due = queuedChunks > 0 && System.nanoTime() - oldestQueuedNanos >= delayNanos;
        }
        if (due) {
            writeQuietly();
        }
    }

    /** For callers that must not fail because of the index: the rows stay queued and are tried again. */
    void writeQuietly() {
        try {
            write();
        } catch (SQLException | RuntimeException e) {
            // the spans are committed; only their search rows wait, and the next attempt or start writes them
        }
    }

    /** Writes everything queued so far, and whatever another thread is writing now, before returning. */
    void write() throws SQLException {
        synchronized (writeLock) {
            List<Op> ops;
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return;
                }
                ops = new ArrayList<>(queue);
                queue.clear();
                queuedChunks = 0;
            }
            try {
                mark = writeInOneTransaction(ops);
            } catch (SQLException | RuntimeException e) {
                writer.rollback(dev.tta.obs.adapters.jdbc.JdbcTraceStore.rootMessage(e));
                synchronized (queue) {
                    for (int i = ops.size() - 1; i >= 0; i--) {
                        queue.addFirst(ops.get(i));
                        queuedChunks += ops.get(i) instanceof Insert ins ? ins.rows().size() : 1;
                    }
                    oldestQueuedNanos = System.nanoTime();
                }
                throw e;
            }
            synchronized (queue) {
                behind = !queue.isEmpty();
            }
        }
    }

    private long writeInOneTransaction(List<Op> ops) throws SQLException {
        Connection connection = writer.connection();
        long upto = mark;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM chunk_terms WHERE rowid = ?");
             PreparedStatement setMark = connection.prepareStatement("UPDATE search_index_state SET indexed_upto = ?")) {
            for (Op op : ops) {
                // batched per op, in order, so a delete queued after an insert runs after it
                if (op instanceof Insert i) {
                    for (Row r : i.rows()) {
                        insert.setLong(1, r.chunkId());
                        insert.setString(2, r.terms());
                        insert.addBatch();
                        upto = Math.max(upto, r.chunkId());
                    }
                    insert.executeBatch();
                } else if (op instanceof Delete d) {
                    for (long id : d.chunkIds()) {
                        delete.setLong(1, id);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                } else if (op instanceof DeleteAll all) {
                    try (Statement st = connection.createStatement()) {
                        st.executeUpdate("INSERT INTO chunk_terms (chunk_terms) VALUES ('delete-all')");
                    }
                    upto = Math.max(upto, all.upto());
                }
            }
            setMark.setLong(1, upto);
            setMark.executeUpdate();
        }
        writer.commit();
        return upto;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQuietly();
        synchronized (writeLock) {
            try {
                Connection connection = writer.connection();
                connection.setAutoCommit(true);
                try (Statement st = connection.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            } catch (SQLException ignored) {
                // best effort: SQLite replays the WAL on the next open anyway
            }
            writer.close();
        }
    }
}
