package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.EncodedChunk;
import dev.tta.obs.adapters.jdbc.JdbcTraceStore;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.adapters.jdbc.SummaryCodec;
import dev.tta.obs.adapters.jdbc.TraceSearchSql;
import dev.tta.obs.ports.out.SearchRebuildingException;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceWrite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The default store: one SQLite file in WAL mode ({@link SqliteConnections}: one writer, a few
 * readers), per-trace span chunks, and their full-text rows in a file of their own
 * ({@link SearchIndex}), written after the commit. What it shares with the PostgreSQL store is in
 * {@link JdbcTraceStore}; here are its chunk ids and search rows, its searches and its deletes.
 */
public final class SqliteTraceStore extends JdbcTraceStore {
    private static final long INDEX_DELAY_NANOS = 100_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqliteTraceStore.class);

    private final Path file;
    /** None when read-only: the readers attach its file, nothing writes it. Replaced when found damaged. */
    private volatile SearchIndex index;
    private final long indexDelayNanos;
    /** Set while a damaged index is replaced and refilled; term searches are refused meanwhile. */
    private volatile boolean rebuildingIndex;
    private final Object indexRepair = new Object();
    private final boolean readOnly;
    /** Read-only: whether the database's log files were missing at the open, so the close has them removed again. */
    private final boolean hadSidecars;
    /** The same for the search index file's. */
    private final boolean indexHadSidecars;
    private final SqliteConnections connections;
    private final SqliteSearch search;
    /** Chunks deleted since the store opened; tells term caches when to rebuild. */
    private volatile long deletedChunks;
    /** Chunk ids are never reused: above the spans' highest and the index's mark. */
    private volatile long nextChunkId;
    /** The search rows of the write in progress, handed to the index once it commits. */
    private List<SearchIndex.Row> newRows = List.of();

    private SqliteTraceStore(Path file, TraceAssembler assembler, SearchIndex index, long indexDelayNanos)
            throws SQLException {
        super(assembler);
        this.file = file;
        this.index = index;
        this.indexDelayNanos = indexDelayNanos;
        this.readOnly = false;
        this.hadSidecars = true;
        this.indexHadSidecars = true;
        this.connections = new SqliteConnections(file, index, this);
        this.search = newSearch();
        try {
            this.nextChunkId = readNextChunkId();
            SearchIndexRepair.indexUnindexedChunks(connections.writer(), index, assembler);
            recomputeRowsWithoutOutcome();
            backfillLlmCalls();
        } catch (SQLException | RuntimeException e) {
            connections.stopCheckpointer();
            connections.close();
            throw e;
        }
    }

    /** Read-only: readers alone, the index attached as it is (see {@link #openReadOnly}). */
    private SqliteTraceStore(Path file, TraceAssembler assembler, SqliteConnections readers, boolean hadSidecars,
                             boolean indexHadSidecars) throws SQLException, InterruptedException {
        super(assembler);
        this.file = file;
        this.index = null;
        this.indexDelayNanos = 0;
        this.readOnly = true;
        this.hadSidecars = hadSidecars;
        this.indexHadSidecars = indexHadSidecars;
        this.connections = readers;
        this.search = newSearch();
        this.nextChunkId = connections.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(chunk_id), 0) FROM span_chunks");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + 1;
            }
        });
    }

    private SqliteSearch newSearch() {
        return new SqliteSearch(new SqliteSearch.Store() {
            @Override
            public TermChunkCache termCache(Connection reader) {
                return connections.termCache(reader);
            }

            @Override
            public long deletedChunks() {
                return deletedChunks;
            }

            @Override
            public long chunks() {
                return nextChunkId;
            }
        });
    }

    /**
     * Opens (creating if needed) the database file and brings its schema up to date.
     *
     * @throws StoreUnavailableException with a message naming the file when it cannot be opened
     */
    public static SqliteTraceStore open(Path file, TraceAssembler assembler) {
        return open(file, assembler, INDEX_DELAY_NANOS);
    }

    /** @param indexDelayNanos how long search rows may wait for a larger transaction (tests stretch it) */
    static SqliteTraceStore open(Path file, TraceAssembler assembler, long indexDelayNanos) {
        SearchIndex index = null;
        try {
            SqliteSchema.migrate(file);
            index = SearchIndex.open(SearchIndex.fileFor(file), indexDelayNanos);
            return new SqliteTraceStore(file, assembler, index, indexDelayNanos);
        } catch (Exception e) {
            if (index != null) {
                index.close();
            }
            throw new StoreUnavailableException("cannot open SQLite database " + file + ": " + rootMessage(e), e);
        }
    }

    /**
     * Opens an existing database file for reading only, for commands that must leave the data
     * directory as they found it, alone or while `tta-obs start` writes to it: read-only
     * connections, the search index file attached read-only (an empty index when it is missing),
     * no schema migration, no checkpoints, and no indexing of chunks the index has not caught up
     * with, so a text search may miss those. The write and delete methods throw
     * {@link ReadOnlyStoreException}. The log files SQLite's readers create when they are
     * missing are removed again by {@link #close}.
     *
     * @throws StoreUnavailableException when the file is missing or cannot be read, or its schema
     *                                   is not this build's (a one-line message naming the directory)
     */
    public static SqliteTraceStore openReadOnly(Path file, TraceAssembler assembler) {
        if (!Files.isRegularFile(file)) {
            throw new StoreUnavailableException("no SQLite database at " + file, null);
        }
        Path indexFile = SearchIndex.fileFor(file);
        boolean hadSidecars = SqliteSidecars.present(file);
        boolean indexHadSidecars = SqliteSidecars.present(indexFile);
        SqliteConnections readers = null;
        try {
            requireCurrentSchema(file);
            readers = SqliteConnections.readOnly(file,
                    Optional.of(indexFile).filter(Files::isRegularFile));
            return new SqliteTraceStore(file, assembler, readers, hadSidecars, indexHadSidecars);
        } catch (Exception e) {
            if (readers != null) {
                readers.close();
            }
            removeCreatedSidecars(file, hadSidecars, indexFile, indexHadSidecars);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof StoreUnavailableException sue) {
                throw sue;
            }
            throw new StoreUnavailableException("cannot read SQLite database " + file + ": " + rootMessage(e), e);
        }
    }

    private static void requireCurrentSchema(Path file) throws SQLException {
        java.util.OptionalInt applied;
        try (Connection c = SqliteFiles.config(true).createConnection(SqliteFiles.readOnlyUrl(file))) {
            applied = SqliteSchema.appliedVersion(c);
        }
        int current = SqliteSchema.currentVersion();
        if (applied.isEmpty() || applied.getAsInt() != current) {
            Path dir = file.toAbsolutePath().getParent();
            String fix = applied.isPresent() && applied.getAsInt() > current
                    ? "read it with the newer tta-obs that wrote it"
                    : "run `tta-obs start` on it once to upgrade it";
            throw new StoreUnavailableException("the data in " + dir + " is from another tta-obs version (schema "
                    + (applied.isPresent() ? "V" + applied.getAsInt() : "unknown") + ", this version reads V"
                    + current + "); " + fix, null);
        }
    }

    private static void removeCreatedSidecars(Path file, boolean hadSidecars, Path indexFile, boolean indexHadSidecars) {
        if (!hadSidecars) {
            SqliteSidecars.removeCreated(file);
        }
        if (!indexHadSidecars && Files.isRegularFile(indexFile)) {
            SqliteSidecars.removeCreated(indexFile);
        }
    }

    private long readNextChunkId() throws SQLException {
        // never below the index's mark: an id whose search row survived a delete is not given out again
        Connection writer = connections.writer();
        try (PreparedStatement ps = writer.prepareStatement("SELECT coalesce(max(chunk_id), 0) FROM span_chunks");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Math.max(rs.getLong(1), index.mark()) + 1;
        } finally {
            writer.commit();
        }
    }

    @Override
    public Optional<String> writeFailure() {
        return readOnly ? Optional.empty() : connections.writeFailure()
                .or(() -> index.writeFailure().map(reason -> "search index " + index.file() + ": " + reason));
    }

    @Override
    public String describe() {
        return "sqlite " + file.toAbsolutePath();
    }

    // ---- the skeleton's hooks

    @Override
    protected <T> T read(Work<T> work) {
        try {
            return connections.read(work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a database connection", e);
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + file + ": " + rootMessage(e), e);
        }
    }

    @Override
    protected <T> T inWriteTransaction(String what, Work<T> work) {
        if (readOnly) {
            throw new ReadOnlyStoreException("cannot " + what + " " + file + ": opened read-only");
        }
        long firstChunkId = nextChunkId;
        try {
            T result = work.run(connections.writer());
            connections.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connections.rollback(rootMessage(e));
            nextChunkId = firstChunkId;
            throw new StoreUnavailableException("could not " + what + " " + file + ": " + rootMessage(e), e);
        }
    }

    /** {@code IN (...)}, 500 ids at a time (under SQLite's limit of bound parameters). */
    @Override
    protected void forIds(Connection c, String select, Collection<TraceId> traceIds, RowWork row) throws SQLException {
        List<TraceId> ids = new ArrayList<>(new LinkedHashSet<>(traceIds));
        for (int from = 0; from < ids.size(); from += 500) {
            List<TraceId> part = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(", ", Collections.nCopies(part.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement(select + " IN (" + marks + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setBytes(i + 1, part.get(i).toBytes());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.accept(rs);
                    }
                }
            }
        }
    }

    @Override
    protected String upsertTraceSql() {
        return "INSERT OR REPLACE INTO traces (" + TRACE_COLUMNS + ", regression)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)";
    }

    @Override
    protected String insertOperationSql() {
        return "INSERT OR IGNORE INTO operations (service_name, span_name) VALUES (?, ?)";
    }

    @Override
    protected void readyForInsert(EncodedChunk chunk) {
        // the search row's text, built on the request thread rather than the writer's
        chunk.terms().text(SqliteTerms.EXACT_PREFIX);
    }

    @Override
    protected void insertChunks(Connection c, long arrivedUnixNano, List<TraceWrite<EncodedChunk>> writes)
            throws SQLException {
        // another process may have written chunks since (`tta-obs import --data-dir` while the
        // server runs): this transaction's snapshot says which ids are taken. (Read to the end
        // and closed here: a statement left open would keep this snapshot past the commit.)
        try (PreparedStatement highest = c.prepareStatement("SELECT coalesce(max(chunk_id), 0) FROM span_chunks");
             ResultSet rs = highest.executeQuery()) {
            rs.next();
            nextChunkId = Math.max(nextChunkId, rs.getLong(1) + 1);
        }
        List<SearchIndex.Row> rows = new ArrayList<>(writes.size());
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO span_chunks (chunk_id, trace_id, span_count, spans) VALUES (?, ?, ?, ?)")) {
            for (TraceWrite<EncodedChunk> w : writes) {
                long chunkId = nextChunkId++;
                ps.setLong(1, chunkId);
                ps.setBytes(2, w.traceId().toBytes());
                ps.setInt(3, w.spans().size());
                ps.setBytes(4, w.encoded().spans());
                ps.addBatch();
                rows.add(new SearchIndex.Row(chunkId, w.encoded().terms().text(SqliteTerms.EXACT_PREFIX)));
            }
            ps.executeBatch();
        }
        newRows = rows;
    }

    @Override
    protected void committed(List<TraceWrite<EncodedChunk>> writes) {
        index.add(newRows);
        newRows = List.of();
    }

    // ---- reading

    @Override
    protected boolean steersPlanner() {
        return true;
    }

    /**
     * Column filters use the traces table and its indexes; name, attribute, model, primitive, status
     * and free-text filters each narrow through the full-text table of span chunks (see
     * {@link TraceSearchSql} and {@link SqliteSearch}).
     */
    @Override
    public TracePage search(TraceSearch query) {
        boolean byTerms = !TraceSearchSql.terms(query).isEmpty();
        if (byTerms && rebuildingIndex) {
            throw rebuilding();
        }
        if (!readOnly && index.behind() && byTerms) {
            // what was acknowledged must be findable: write the rows still queued first
            index.writeQuietly();
        }
        try {
            return read(c -> search(c, query, search));
        } catch (StoreUnavailableException e) {
            if (byTerms && !readOnly && SearchIndex.isDamage(e) && rebuildIndexIfDamaged()) {
                throw rebuilding();
            }
            throw e;
        }
    }

    private SearchRebuildingException rebuilding() {
        return new SearchRebuildingException("the search index " + SearchIndex.fileFor(file)
                + " was damaged and is being rebuilt from the stored spans; search again shortly");
    }

    /**
     * Checks the index file when a search met damage (which may be in either file); if the index
     * is the damaged one, replaces it with an empty file and refills it from the spans on a thread
     * of its own, holding the write lock (writes wait: their rows must land in the new index).
     *
     * @return whether the index is being rebuilt
     */
    private boolean rebuildIndexIfDamaged() {
        synchronized (indexRepair) {
            if (rebuildingIndex) {
                return true;
            }
            if (!index.damaged()) {
                return false;
            }
            rebuildingIndex = true;
        }
        Path indexFile = SearchIndex.fileFor(file);
        LOG.warn("The search index {} is damaged; rebuilding it from the stored spans in {}", indexFile, file);
        Thread t = new Thread(() -> {
            long started = System.nanoTime();
            try {
                synchronized (this) {
                    connections.replaceIndex(() -> {
                        index.close();
                        SearchIndex.moveAside(indexFile);
                        index = SearchIndex.open(indexFile, indexDelayNanos);
                        return index;
                    });
                    SearchIndexRepair.indexUnindexedChunks(connections.writer(), index, assembler);
                }
                LOG.info("Search index {} rebuilt in {} s", indexFile,
                        String.format("%.1f", (System.nanoTime() - started) / 1e9));
            } catch (Exception e) {
                LOG.error("Could not rebuild the search index {}: {}", indexFile, rootMessage(e));
            } finally {
                rebuildingIndex = false;
            }
        }, "tta-obs-search-rebuild");
        t.setDaemon(true);
        t.start();
        return true;
    }

    // ---- deleting

    @Override
    public synchronized boolean deleteTrace(TraceId traceId) {
        return delete(List.of(traceId)) == 1;
    }

    /** What a delete's transaction removed: the traces' summaries as they were, and their chunks. */
    private record Removed(List<TraceSummary> summaries, int traces, List<Long> chunkIds) {
    }

    @Override
    public synchronized long evict(long keepNewest, Optional<Long> arrivedBeforeUnixNano, int maxPerCall) {
        if (maxPerCall < 1) {
            throw new IllegalArgumentException("maxPerCall must be positive, got " + maxPerCall);
        }
        Removed removed = inWriteTransaction("evict from", c -> {
            Map<TraceId, byte[]> victims = new LinkedHashMap<>();
            if (arrivedBeforeUnixNano.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, summary FROM traces"
                        + " WHERE updated_ns < ? ORDER BY updated_ns, trace_id LIMIT ?")) {
                    ps.setLong(1, arrivedBeforeUnixNano.get());
                    ps.setInt(2, maxPerCall);
                    collectVictims(ps, victims);
                }
            }
            if (keepNewest != Long.MAX_VALUE && victims.size() < maxPerCall) {
                // the oldest arrivals beyond the newest keepNewest: skip those from the newest end
                try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, summary FROM traces"
                        + " ORDER BY updated_ns DESC, trace_id DESC LIMIT ? OFFSET ?")) {
                    ps.setInt(1, maxPerCall - victims.size());
                    ps.setLong(2, Math.max(0, keepNewest));
                    collectVictims(ps, victims);
                }
            }
            if (arrivedBeforeUnixNano.isPresent()) {
                deleteUnclaimedFeedback(c, arrivedBeforeUnixNano.get());
            }
            List<TraceSummary> summaries = new ArrayList<>(victims.size());
            for (Map.Entry<TraceId, byte[]> v : victims.entrySet()) {
                SummaryCodec.decode(v.getKey(), v.getValue()).ifPresent(summaries::add);
            }
            return new Removed(summaries, victims.size(), deleteRows(c, victims.keySet()));
        });
        forgetRemoved(removed);
        return removed.traces();
    }

    private static void collectVictims(PreparedStatement ps, Map<TraceId, byte[]> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.putIfAbsent(TraceId.fromBytes(rs.getBytes(1)), rs.getBytes(2));
            }
        }
    }

    /** Deletes these traces in one transaction; returns how many were stored. */
    private long delete(Collection<TraceId> ids) {
        Removed removed = inWriteTransaction("delete from", c -> {
            List<TraceSummary> before = summariesOrRecomputed(c, ids);
            return new Removed(before, before.size(), before.isEmpty() ? List.of() : deleteRows(c, ids));
        });
        forgetRemoved(removed);
        return removed.traces();
    }

    /** Deletes the traces' rows, chunks and feedback; returns the chunks' ids, whose search rows go after the commit. */
    private List<Long> deleteRows(Connection c, Collection<TraceId> ids) throws SQLException {
        List<Long> chunks = new ArrayList<>();
        if (ids.isEmpty()) {
            return chunks;
        }
        forIds(c, "SELECT chunk_id FROM span_chunks WHERE trace_id", ids, rs -> chunks.add(rs.getLong(1)));
        try (PreparedStatement deleteChunks = c.prepareStatement("DELETE FROM span_chunks WHERE trace_id = ?");
             PreparedStatement deleteCalls = c.prepareStatement("DELETE FROM llm_calls WHERE trace_id = ?");
             PreparedStatement deleteTrace = c.prepareStatement("DELETE FROM traces WHERE trace_id = ?");
             PreparedStatement deleteFeedback = c.prepareStatement("DELETE FROM feedback WHERE trace_id = ?")) {
            for (TraceId id : ids) {
                byte[] bytes = id.toBytes();
                deleteChunks.setBytes(1, bytes);
                deleteChunks.addBatch();
                deleteCalls.setBytes(1, bytes);
                deleteCalls.addBatch();
                deleteTrace.setBytes(1, bytes);
                deleteTrace.addBatch();
                deleteFeedback.setBytes(1, bytes);
                deleteFeedback.addBatch();
            }
            deleteChunks.executeBatch();
            deleteCalls.executeBatch();
            deleteTrace.executeBatch();
            deleteFeedback.executeBatch();
        }
        return chunks;
    }

    /** After a delete committed: the search rows, the term caches' count and the running stats. */
    private void forgetRemoved(Removed removed) {
        deletedChunks += removed.chunkIds().size();
        index.remove(removed.chunkIds());
        if (removed.summaries().size() == removed.traces()) {
            forgotten(removed.summaries());
        } else {
            // a summary from an older format cannot be subtracted: count again on next read
            statsUnknown();
        }
    }

    @Override
    protected void deleteAllRows(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM traces");
            deletedChunks += st.executeUpdate("DELETE FROM span_chunks");
            st.executeUpdate("DELETE FROM llm_calls");
            st.executeUpdate("DELETE FROM llm_calls_backfill");
            st.executeUpdate("DELETE FROM operations");
            st.executeUpdate("DELETE FROM feedback");
        }
    }

    @Override
    protected void allDeleted() {
        index.removeAll(nextChunkId - 1);
    }

    @Override
    public void close() {
        connections.stopCheckpointer();
        synchronized (this) {
            connections.close();
            if (index != null) {
                index.close();
            }
        }
        if (readOnly) {
            removeCreatedSidecars(file, hadSidecars, SearchIndex.fileFor(file), indexHadSidecars);
        }
    }
}
