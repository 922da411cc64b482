package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.ChunkPlan;
import dev.tta.obs.adapters.jdbc.KnownOperations;
import dev.tta.obs.adapters.jdbc.OperationsSql;
import dev.tta.obs.adapters.jdbc.PreparedChunks;
import dev.tta.obs.adapters.jdbc.RunningStats;
import dev.tta.obs.adapters.jdbc.SearchTerms;
import dev.tta.obs.adapters.jdbc.SpanCodec;
import dev.tta.obs.adapters.jdbc.TraceSearchSql;
import dev.tta.obs.adapters.jdbc.SummaryCodec;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.in.TraceStats;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceStore;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;

/**
 * The default store: one SQLite file in WAL mode, so readers never block the single writer.
 *
 * <p>Spans are grouped by trace and written as one encoded chunk per trace and commit; the trace's
 * summary row is written alongside in the same transaction. A trace that already has spans is
 * read back first, so the new spans can be de-duplicated against the stored ones and the summary
 * recomputed over the union: that is what makes writes idempotent and order-free.
 */
public final class SqliteTraceStore implements TraceStore {
    private static final int READERS = 4;

    private final Path file;
    private final TraceAssembler assembler;
    private final Connection writer;
    private final WalCheckpointer checkpointer;
    /** Most recently used first, so that sequential reads keep using the connection whose term cache is warm. */
    private final BlockingDeque<Connection> readers;
    private final Map<Connection, TermChunkCache> termCaches = new java.util.IdentityHashMap<>();
    /** Chunks deleted since the store opened; tells term caches when to rebuild. */
    private volatile long deletedChunks;
    private final List<Connection> allReaders = new ArrayList<>();
    private final RunningStats stats = new RunningStats();
    /** Filled on the first stats call, under the writer's lock, then maintained by every write. */
    private volatile boolean statsLoaded;
    /** (service, span name) pairs known to be in the operations table; bounded, so only a shortcut. */
    private final KnownOperations knownOperations = new KnownOperations();
    private volatile long nextChunkId;

    /** The full-text rows of the chunks, in a file of their own (see {@link SearchIndex}). */
    private final SearchIndex index;
    private static final long INDEX_DELAY_NANOS = 100_000_000L;
    private static final int REBUILD_NOTICE_CHUNKS = 10_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqliteTraceStore.class);

    private SqliteTraceStore(Path file, TraceAssembler assembler, long indexDelayNanos) throws SQLException {
        this.file = file;
        this.assembler = assembler;
        this.writer = connect(false);
        try (var st = writer.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = " + WalCheckpointer.WRITER_CHECKPOINT_PAGES);
        }
        this.writer.setAutoCommit(false);
        this.index = SearchIndex.open(SearchIndex.fileFor(file), indexDelayNanos);
        this.checkpointer = new WalCheckpointer(connect(false), file, this, "tta-obs-checkpointer",
                WalCheckpointer.RESTART_PAGES);
        this.readers = new LinkedBlockingDeque<>(READERS);
        try {
            this.nextChunkId = readNextChunkId();
            indexUnindexedChunks();
            for (int i = 0; i < READERS; i++) {
                Connection c = connect(true);
                allReaders.add(c);
                readers.add(c);
                index.attachTo(c);
                termCaches.put(c, new TermChunkCache(c));
            }
        } catch (SQLException | RuntimeException e) {
            allReaders.forEach(SqliteTraceStore::closeQuietly);
            checkpointer.close();
            index.close();
            closeQuietly(writer);
            throw e;
        }
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
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SQLiteDataSource ds = new SQLiteDataSource(SqliteFiles.config(false));
            ds.setUrl(SqliteFiles.url(file));
            SqliteSchema.migrate(ds);
            return new SqliteTraceStore(file, assembler, indexDelayNanos);
        } catch (Exception e) {
            throw new StoreUnavailableException("cannot open SQLite database " + file + ": " + rootMessage(e), e);
        }
    }

    private long readNextChunkId() throws SQLException {
        // never below the index's mark: an id whose search row survived a delete is not given out again
        try (PreparedStatement ps = writer.prepareStatement("SELECT coalesce(max(chunk_id), 0) FROM span_chunks");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Math.max(rs.getLong(1), index.mark()) + 1;
        } finally {
            commit();
        }
    }



    /**
     * Chunks committed but not yet indexed (after a crash, or with a new index file) get their
     * search rows now, before serving.
     */
    private void indexUnindexedChunks() throws SQLException {
        long started = System.nanoTime();
        long chunks = 0;
        List<SearchIndex.Row> rows = new ArrayList<>();
        try (PreparedStatement ps = writer.prepareStatement("SELECT chunk_id, trace_id, spans FROM span_chunks"
                + " WHERE chunk_id > ? ORDER BY chunk_id")) {
            ps.setLong(1, index.mark());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Span> spans = SpanCodec.decode(rs.getBytes(3));
                    if (spans.isEmpty()) {
                        continue;
                    }
                    TraceId traceId = TraceId.fromBytes(rs.getBytes(2));
                    List<String> kinds = assembler.summarize(traceId, spans).rollup().primitiveTypes();
                    rows.add(new SearchIndex.Row(rs.getLong(1),
                            SearchTerms.forChunk(spans, kinds).text(SqliteTerms.EXACT_PREFIX)));
                    if (++chunks == REBUILD_NOTICE_CHUNKS) {
                        // after a crash only a few chunks wait; this many means a new or lost index file
                        LOG.info("Building the search index {} from the stored spans (once)", index.file());
                    }
                    if (rows.size() >= SearchIndex.BATCH_CHUNKS) {
                        index.add(rows);
                        rows = new ArrayList<>();
                    }
                }
            }
        }
        commit();
        index.add(rows);
        index.write();
        if (chunks >= REBUILD_NOTICE_CHUNKS) {
            LOG.info("Search index built: {} span chunks in {} s", chunks,
                    String.format("%.1f", (System.nanoTime() - started) / 1e9));
        }
    }

    private Connection connect(boolean readOnly) throws SQLException {
        return SqliteFiles.config(readOnly).createConnection(SqliteFiles.url(file));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public String describe() {
        return "sqlite " + file.toAbsolutePath();
    }

    @Override
    public Prepared prepare(SpanBatch batch) {
        PreparedChunks prepared = PreparedChunks.of(batch, assembler);
        for (PreparedChunks.TraceChunk c : prepared.chunks()) {
            c.terms().text(SqliteTerms.EXACT_PREFIX);
        }
        return prepared;
    }

    @Override
    public synchronized void write(List<? extends Prepared> batches) {
        if (batches.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        Set<KnownOperations.Operation> newOperations = Set.of();
        long firstChunkId = nextChunkId;
        List<ChunkPlan.Write> writes;
        List<SearchIndex.Row> newTerms = new ArrayList<>();
        try (PreparedStatement existing = writer.prepareStatement("SELECT summary FROM traces WHERE trace_id = ?");
             PreparedStatement loadChunks = writer.prepareStatement("SELECT spans FROM span_chunks WHERE trace_id = ?");
             PreparedStatement insertChunk = writer.prepareStatement(
                     "INSERT INTO span_chunks (chunk_id, trace_id, span_count, spans) VALUES (?, ?, ?, ?)");
             PreparedStatement upsertTrace = writer.prepareStatement(
                     "INSERT OR REPLACE INTO traces (trace_id, start_ns, end_ns, duration_ns, service_name, root_name,"
                             + " span_count, error_count, summary, updated_ns, cost_usd, regression)"
                             + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)");
             PreparedStatement insertOperation = writer.prepareStatement(
                     "INSERT OR IGNORE INTO operations (service_name, span_name) VALUES (?, ?)")) {
            // another process may have written chunks since (`tta-obs import --data-dir` while the
            // server runs): this transaction's snapshot says which ids are taken. (Read to the end
            // and closed here: a statement left open would keep this snapshot past the commit.)
            try (PreparedStatement highest = writer.prepareStatement("SELECT coalesce(max(chunk_id), 0) FROM span_chunks");
                 ResultSet rs = highest.executeQuery()) {
                rs.next();
                nextChunkId = Math.max(nextChunkId, rs.getLong(1) + 1);
            }
            writes = ChunkPlan.plan(batches, assembler, new ChunkPlan.Stored() {
                @Override
                public Map<TraceId, Optional<TraceSummary>> summaries(Collection<TraceId> ids) throws SQLException {
                    Map<TraceId, Optional<TraceSummary>> out = new HashMap<>();
                    for (TraceId id : ids) {
                        existing.setBytes(1, id.toBytes());
                        try (ResultSet rs = existing.executeQuery()) {
                            if (rs.next()) {
                                out.put(id, SummaryCodec.decode(id, rs.getBytes(1)));
                            }
                        }
                    }
                    return out;
                }

                @Override
                public Map<TraceId, List<Span>> spans(Collection<TraceId> ids) throws SQLException {
                    Map<TraceId, List<Span>> out = new HashMap<>();
                    for (TraceId id : ids) {
                        out.put(id, loadSpans(loadChunks, id.toBytes()));
                    }
                    return out;
                }
            });
            for (ChunkPlan.Write w : writes) {
                PreparedChunks.TraceChunk chunk = w.chunk();
                TraceSummary summary = chunk.summary();
                byte[] id = chunk.traceId().toBytes();
                long chunkId = nextChunkId++;
                insertChunk.setLong(1, chunkId);
                insertChunk.setBytes(2, id);
                insertChunk.setInt(3, chunk.spans().size());
                insertChunk.setBytes(4, chunk.encodedSpans());
                insertChunk.addBatch();
                newTerms.add(new SearchIndex.Row(chunkId, chunk.terms().text(SqliteTerms.EXACT_PREFIX)));
                upsertTrace.setBytes(1, id);
                upsertTrace.setLong(2, summary.startTimeUnixNano());
                upsertTrace.setLong(3, summary.endTimeUnixNano());
                upsertTrace.setLong(4, summary.durationNanos());
                upsertTrace.setString(5, summary.serviceName());
                upsertTrace.setString(6, summary.rootName());
                upsertTrace.setInt(7, summary.spanCount());
                upsertTrace.setInt(8, summary.errorCount());
                upsertTrace.setBytes(9, chunk.encodedSummary());
                upsertTrace.setLong(10, now);
                if (summary.rollup().costUsd().isPresent()) {
                    upsertTrace.setDouble(11, summary.rollup().costUsd().get());
                } else {
                    upsertTrace.setNull(11, java.sql.Types.REAL);
                }
                upsertTrace.addBatch();
            }
            if (writes.isEmpty()) {
                commit();
                return;
            }
            newOperations = knownOperations.newIn(writes);
            insertChunk.executeBatch();
            upsertTrace.executeBatch();
            KnownOperations.insert(insertOperation, newOperations);
            commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            nextChunkId = firstChunkId;
            throw new StoreUnavailableException("could not write to " + file + ": " + rootMessage(e), e);
        }
        knownOperations.written(newOperations);
        if (statsLoaded) {
            for (ChunkPlan.Write w : writes) {
                w.before().ifPresent(stats::remove);
                stats.add(w.chunk().summary());
            }
        }
        index.add(newTerms);
    }

    private static List<Span> loadSpans(PreparedStatement loadChunks, byte[] traceId) throws SQLException {
        loadChunks.setBytes(1, traceId);
        List<Span> spans = new ArrayList<>();
        try (ResultSet rs = loadChunks.executeQuery()) {
            while (rs.next()) {
                spans.addAll(SpanCodec.decode(rs.getBytes(1)));
            }
        }
        return spans;
    }

    @FunctionalInterface
    private interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(ReadWork<T> work) {
        Connection c;
        try {
            c = readers.takeFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a database connection", e);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + file + ": " + rootMessage(e), e);
        } finally {
            readers.addFirst(c);
        }
    }

    @Override
    public Optional<Trace> findTrace(TraceId traceId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT spans FROM span_chunks WHERE trace_id = ?")) {
                List<Span> spans = loadSpans(ps, traceId.toBytes());
                return spans.isEmpty() ? Optional.empty() : Optional.of(assembler.assemble(traceId, spans));
            }
        });
    }

    /** A rare term: collect its few traces once, then look them up by primary key. */
    private static final String TERM_IN = "trace_id IN (SELECT c.trace_id FROM chunk_terms"
            + " JOIN span_chunks c ON c.chunk_id = chunk_terms.rowid WHERE chunk_terms MATCH ?)";
    /**
     * A common term: its matching chunk ids are collected (and kept, see {@link TermChunkCache}), and
     * each candidate row, walked in the sort's index order, is checked against them, so a page
     * fills after a few rows instead of first mapping a large share of all chunks to their traces.
     * (A MATCH correlated per row would re-run the full-text query for every row; the unary plus
     * keeps SQLite from turning the id list into an index probe per list entry, which is as slow.)
     */
    private static String termExists(String chunkTable) {
        return "EXISTS (SELECT 1 FROM span_chunks c WHERE c.trace_id = traces.trace_id AND +c.chunk_id IN "
                + chunkTable + ")";
    }
    /**
     * Collecting a term's traces costs about its match count; walking rows until a page is full
     * costs about page size / match density. They break even near sqrt(2 x page x chunks).
     */
    private int rareTermLimit(int page) {
        return (int) Math.max(500, Math.sqrt(2.0 * page * Math.max(1, nextChunkId)));
    }

    /**
     * Column filters use the traces table and its indexes; name, attribute, model, primitive, status
     * and free-text filters each narrow through the full-text table of span chunks (see
     * {@link TraceSearchSql}).
     */
    @Override
    public TracePage search(TraceSearch search) {
        if (index.behind() && !TraceSearchSql.terms(search).isEmpty()) {
            // what was acknowledged must be findable: write the rows still queued first
            index.writeQuietly();
        }
        return read(c -> TraceSearchSql.search(c, search, dialect));
    }

    private final TraceSearchSql.Dialect dialect = new TraceSearchSql.Dialect() {
        @Override
        public String tracesTable() {
            return "traces";
        }

        @Override
        public String column(String name) {
            return name;
        }

        @Override
        public String regressionFlag() {
            return "coalesce(regression, 0) = 1";
        }

        @Override
        public void appendTerm(Connection c, TraceSearchSql.Term term, int pageRows, StringBuilder where,
                               List<Object> args) throws SQLException {
            String match = term.word().map(SqliteTerms::word).orElseGet(() -> SqliteTerms.exact(term.exactHash().get()));
            // counting a prefix term reads its whole doclist (~20 ms at a million spans): a cached
            // term was common when first seen and terms only grow more common, so it is not counted again
            TermChunkCache cache = termCaches.get(c);
            int rareLimit = rareTermLimit(pageRows);
            if (!cache.has(match) && matchingChunks(c, match, rareLimit) <= rareLimit) {
                where.append(TERM_IN);
                args.add(match);
            } else {
                where.append(termExists(cache.tableFor(match, deletedChunks)));
            }
        }

        @Override
        public List<Span> spans(Connection c, TraceId id) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT spans FROM span_chunks WHERE trace_id = ?")) {
                return loadSpans(ps, id.toBytes());
            }
        }

        @Override
        public TraceSummary recompute(Connection c, TraceId id) {
            return SqliteTraceStore.this.recompute(c, id);
        }
    };

    private static int matchingChunks(Connection c, String match, int upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM chunk_terms"
                + " WHERE chunk_terms MATCH ? LIMIT " + (upTo + 1) + ")")) {
            ps.setString(1, match);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private TraceSummary recompute(Connection c, TraceId id) {
        try (PreparedStatement ps = c.prepareStatement("SELECT spans FROM span_chunks WHERE trace_id = ?")) {
            return assembler.summarize(id, loadSpans(ps, id.toBytes()));
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + file + ": " + rootMessage(e), e);
        }
    }

    @Override
    public long traceCount() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM traces");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @FunctionalInterface
    private interface RowWork {
        void accept(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code select} (ending in {@code trace_id IN}) for the distinct ids, 500 at a time (under
     * SQLite's limit of bound parameters), and hands every row to {@code row}.
     */
    private static void forIds(Connection c, String select, Collection<TraceId> traceIds, RowWork row)
            throws SQLException {
        List<TraceId> ids = new ArrayList<>(new java.util.LinkedHashSet<>(traceIds));
        for (int from = 0; from < ids.size(); from += 500) {
            List<TraceId> part = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement(select + " (" + marks + ")")) {
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
    public Map<TraceId, Map<String, Integer>> spanNameCounts(Collection<TraceId> traceIds) {
        if (traceIds.isEmpty()) {
            return Map.of();
        }
        return read(c -> {
            Map<TraceId, Map<String, Integer>> out = new HashMap<>();
            forIds(c, "SELECT trace_id, spans FROM span_chunks WHERE trace_id IN", traceIds, rs ->
                    SpanCodec.countNames(rs.getBytes(2),
                            out.computeIfAbsent(TraceId.fromBytes(rs.getBytes(1)), k -> new HashMap<>())));
            return out;
        });
    }

    @Override
    public List<TraceSummary> findSummaries(Collection<TraceId> traceIds) {
        if (traceIds.isEmpty()) {
            return List.of();
        }
        return read(c -> {
            List<TraceSummary> out = new ArrayList<>(traceIds.size());
            forIds(c, "SELECT trace_id, summary FROM traces WHERE trace_id IN", traceIds, rs -> {
                TraceId id = TraceId.fromBytes(rs.getBytes(1));
                out.add(SummaryCodec.decode(id, rs.getBytes(2)).orElseGet(() -> recompute(c, id)));
            });
            return out;
        });
    }

    @Override
    public TraceStats stats(LocalDate costDay) {
        if (!statsLoaded) {
            loadStats();
        }
        return stats.snapshot(costDay);
    }

    /** One scan, under the writer's lock so that no commit slips between the scan and upkeep. */
    private synchronized void loadStats() {
        if (statsLoaded) {
            return;
        }
        stats.clear();
        try (PreparedStatement ps = writer.prepareStatement("SELECT trace_id, summary FROM traces");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TraceId id = TraceId.fromBytes(rs.getBytes(1));
                Optional<TraceSummary> s = SummaryCodec.decode(id, rs.getBytes(2));
                stats.add(s.orElseGet(() -> recompute(writer, id)));
            }
            commit();
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + file + ": " + rootMessage(e), e);
        }
        statsLoaded = true;
    }

    @Override
    public List<String> services() {
        return read(OperationsSql::services);
    }

    @Override
    public List<String> operations(Optional<String> service) {
        return read(c -> OperationsSql.operations(c, service));
    }

    @Override
    public void scanSummaries(long fromUnixNano, Consumer<TraceSummary> sink) {
        read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, summary FROM traces WHERE start_ns >= ?")) {
                ps.setLong(1, fromUnixNano);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TraceId id = TraceId.fromBytes(rs.getBytes(1));
                        sink.accept(SummaryCodec.decode(id, rs.getBytes(2)).orElseGet(() -> recompute(c, id)));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public synchronized void flagRegressions(Map<TraceId, Boolean> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = writer.prepareStatement("UPDATE traces SET regression = ? WHERE trace_id = ?")) {
            for (Map.Entry<TraceId, Boolean> v : verdicts.entrySet()) {
                ps.setInt(1, v.getValue() ? 1 : 0);
                ps.setBytes(2, v.getKey().toBytes());
                ps.addBatch();
            }
            ps.executeBatch();
            commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw new StoreUnavailableException("could not write to " + file + ": " + rootMessage(e), e);
        }
    }

    @Override
    public synchronized boolean deleteTrace(TraceId traceId) {
        byte[] id = traceId.toBytes();
        Optional<TraceSummary> before;
        List<Long> chunkIds;
        try {
            try (PreparedStatement ps = writer.prepareStatement("SELECT summary FROM traces WHERE trace_id = ?")) {
                ps.setBytes(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        commit();
                        return false;
                    }
                    before = SummaryCodec.decode(traceId, rs.getBytes(1));
                }
            }
            if (before.isEmpty()) {
                before = Optional.of(recompute(writer, traceId));
            }
            chunkIds = chunkIds(List.of(traceId));
            try (PreparedStatement chunks = writer.prepareStatement("DELETE FROM span_chunks WHERE trace_id = ?");
                 PreparedStatement trace = writer.prepareStatement("DELETE FROM traces WHERE trace_id = ?")) {
                for (PreparedStatement ps : List.of(chunks, trace)) {
                    ps.setBytes(1, id);
                    ps.executeUpdate();
                }
                commit();
                deletedChunks += chunkIds.size();
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw new StoreUnavailableException("could not delete from " + file + ": " + rootMessage(e), e);
        }
        index.remove(chunkIds);
        if (statsLoaded) {
            stats.remove(before.get());
        }
        return true;
    }

    @Override
    public synchronized long evict(long keepNewest, Optional<Long> arrivedBeforeUnixNano, int maxPerCall) {
        if (maxPerCall < 1) {
            throw new IllegalArgumentException("maxPerCall must be positive, got " + maxPerCall);
        }
        Map<TraceId, byte[]> victims = new java.util.LinkedHashMap<>();
        List<Long> removedChunks;
        try {
            if (arrivedBeforeUnixNano.isPresent()) {
                try (PreparedStatement ps = writer.prepareStatement("SELECT trace_id, summary FROM traces"
                        + " WHERE updated_ns < ? ORDER BY updated_ns, trace_id LIMIT ?")) {
                    ps.setLong(1, arrivedBeforeUnixNano.get());
                    ps.setInt(2, maxPerCall);
                    collectVictims(ps, victims);
                }
            }
            if (keepNewest != Long.MAX_VALUE && victims.size() < maxPerCall) {
                // the oldest arrivals beyond the newest keepNewest: skip those from the newest end
                try (PreparedStatement ps = writer.prepareStatement("SELECT trace_id, summary FROM traces"
                        + " ORDER BY updated_ns DESC, trace_id DESC LIMIT ? OFFSET ?")) {
                    ps.setInt(1, maxPerCall - victims.size());
                    ps.setLong(2, Math.max(0, keepNewest));
                    collectVictims(ps, victims);
                }
            }
            if (victims.isEmpty()) {
                commit();
                return 0;
            }
            removedChunks = chunkIds(victims.keySet());
            try (PreparedStatement chunks = writer.prepareStatement("DELETE FROM span_chunks WHERE trace_id = ?");
                 PreparedStatement trace = writer.prepareStatement("DELETE FROM traces WHERE trace_id = ?")) {
                for (TraceId id : victims.keySet()) {
                    byte[] bytes = id.toBytes();
                    for (PreparedStatement ps : List.of(chunks, trace)) {
                        ps.setBytes(1, bytes);
                        ps.addBatch();
                    }
                }
                chunks.executeBatch();
                trace.executeBatch();
            }
            List<TraceSummary> removed = new ArrayList<>(victims.size());
            for (Map.Entry<TraceId, byte[]> v : victims.entrySet()) {
                SummaryCodec.decode(v.getKey(), v.getValue()).ifPresent(removed::add);
            }
            commit();
            deletedChunks += removedChunks.size();
            index.remove(removedChunks);
            if (statsLoaded) {
                if (removed.size() == victims.size()) {
                    removed.forEach(stats::remove);
                } else {
                    // a summary from an older format cannot be subtracted: count again on next read
                    statsLoaded = false;
                }
            }
            return victims.size();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw new StoreUnavailableException("could not evict from " + file + ": " + rootMessage(e), e);
        }
    }

    /** The chunks of these traces, whose search rows go when they go. */
    private List<Long> chunkIds(Collection<TraceId> traces) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = writer.prepareStatement("SELECT chunk_id FROM span_chunks WHERE trace_id = ?")) {
            for (TraceId id : traces) {
                ps.setBytes(1, id.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
        }
        return ids;
    }

    private static void collectVictims(PreparedStatement ps, Map<TraceId, byte[]> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.putIfAbsent(TraceId.fromBytes(rs.getBytes(1)), rs.getBytes(2));
            }
        }
    }

    @Override
    public synchronized long deleteAll() {
        try (var st = writer.createStatement()) {
            long count;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM traces")) {
                rs.next();
                count = rs.getLong(1);
            }
            st.executeUpdate("DELETE FROM traces");
            int removedChunks = st.executeUpdate("DELETE FROM span_chunks");
            st.executeUpdate("DELETE FROM operations");
            commit();
            deletedChunks += removedChunks;
            index.removeAll(nextChunkId - 1);
            knownOperations.clear();
            stats.clear();
            statsLoaded = true;
            return count;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw new StoreUnavailableException("could not delete from " + file + ": " + rootMessage(e), e);
        }
    }

    private void commit() throws SQLException {
        writer.commit();
        checkpointer.committed();
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // the connection is already broken; the original error says why
        }
    }

    @Override
    public void close() {
        // first, and outside the lock: its last checkpoint may be waiting for the lock
        checkpointer.close();
        synchronized (this) {
            closeConnections();
        }
    }

    private void closeConnections() {
        for (Connection c : allReaders) {
            closeQuietly(c);
        }
        try {
            // a checkpoint on close leaves a single file behind for the next start and for backups
            try (var st = writer.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        } catch (SQLException ignored) {
            // best effort: SQLite replays the WAL on the next open anyway
        }
        closeQuietly(writer);
        index.close();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing; nothing left to do with a failure
        }
    }
}
