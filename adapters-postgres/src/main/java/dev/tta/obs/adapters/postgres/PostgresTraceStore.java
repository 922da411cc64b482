package dev.tta.obs.adapters.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tta.obs.adapters.jdbc.EncodedChunk;
import dev.tta.obs.adapters.jdbc.KnownOperations;
import dev.tta.obs.adapters.jdbc.OperationsSql;
import dev.tta.obs.adapters.jdbc.RunningStats;
import dev.tta.obs.adapters.jdbc.SearchTerms;
import dev.tta.obs.adapters.jdbc.TraceSearchSql;
import dev.tta.obs.adapters.jdbc.SpanCodec;
import dev.tta.obs.adapters.jdbc.SummaryCodec;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.StoredTraces;
import dev.tta.obs.ports.out.TraceWrite;
import dev.tta.obs.ports.out.TraceStore;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

/**
 * The team store: the same SPI as the SQLite store, on a PostgreSQL server.
 *
 * <p>The layout follows the SQLite store: the spans of one trace that arrive in one commit are
 * encoded together into one chunk row (one b-tree entry per trace and commit, not per span), each
 * trace has one summary row, and a chunk's search terms sit in a GIN-indexed tsvector beside it.
 * A trace that already has spans is read back first so the new spans can be de-duplicated against
 * the stored ones and the summary recomputed over the union: that makes writes idempotent and
 * order-free. Reads and writes of one commit are batched into a few statements, since every
 * round trip to the server costs far more than the same work in SQLite.
 *
 * <p>Connections come from a small pool that replaces broken connections by itself, so when the
 * server goes away a write fails with {@link StoreUnavailableException} (the exporter retries) and
 * the store works again as soon as the server is back.
 */
public final class PostgresTraceStore implements TraceStore<EncodedChunk> {
    private static final int POOL_SIZE = 5;
    /** How long a caller waits for a connection before the exporter is told to retry. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final String description;
    private final TraceAssembler assembler;
    private final HikariDataSource pool;
    /** The server without the pool, for when the pool has no connection to give (see {@link #connection}). */
    private final DataSource direct;
    private final RunningStats stats = new RunningStats();
    /** Filled on the first stats call, under the writer's lock, then maintained by every write. */
    private volatile boolean statsLoaded;
    /** (service, span name) pairs known to be in the operations table; bounded, so only a shortcut. */
    private final KnownOperations knownOperations = new KnownOperations();

    private PostgresTraceStore(String description, TraceAssembler assembler, HikariDataSource pool, DataSource direct) {
        this.description = description;
        this.assembler = assembler;
        this.pool = pool;
        this.direct = direct;
    }

    /**
     * Connects, brings the schema up to date (Flyway, {@code db/migration/postgresql}) and opens a
     * connection pool.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://HOST[:PORT]/DB}; user and password may also be in it
     * @throws StoreUnavailableException with one line naming the server and the reason when the
     *                                   server cannot be reached or refuses the login
     */
    public static PostgresTraceStore open(String jdbcUrl, Optional<String> user, Optional<String> password,
                                          TraceAssembler assembler) {
        String where = redact(jdbcUrl) + user.map(u -> " as " + u).orElse("");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new StoreUnavailableException("cannot use PostgreSQL database " + redact(jdbcUrl)
                    + ": the URL must start with jdbc:postgresql://", null);
        }
        PGSimpleDataSource direct = new PGSimpleDataSource();
        try {
            direct.setUrl(jdbcUrl);
            user.ifPresent(direct::setUser);
            password.ifPresent(direct::setPassword);
            direct.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
            direct.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
            direct.setApplicationName("tta-obs");
            // one plain connection first: the pool would log its own stack trace on a failed start
            try (Connection c = direct.getConnection()) {
                c.isValid(CONNECT_TIMEOUT_SECONDS);
            }
            Flyway.configure()
                    .dataSource(direct)
                    .locations("classpath:db/migration/postgresql")
                    .load()
                    .migrate();
        } catch (Exception e) {
            throw new StoreUnavailableException("cannot open PostgreSQL database " + where + ": " + rootMessage(e), e);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("tta-obs-postgres");
        config.setDataSource(direct);
        // a batch of inserts becomes multi-row INSERTs: a few round trips per commit, not one per row
        direct.setReWriteBatchedInserts(true);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setValidationTimeout(Math.min(CONNECTION_TIMEOUT_MS - 500, 2_000));
        try {
            return new PostgresTraceStore("postgres " + where, assembler, new HikariDataSource(config), direct);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot open PostgreSQL database " + where + ": " + rootMessage(e), e);
        }
    }

    /** The URL without its query, where a password may be. */
    private static String redact(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.toString() : t.getMessage();
        // the server's messages can span lines (DETAIL, HINT); a user gets the first
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg.trim() : msg.substring(0, nl).trim();
    }

    @Override
    public String describe() {
        return description;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Work<T> work) {
        try {
            return withConnection(work, false);
        } catch (SQLException | RuntimeException e) {
            throw new StoreUnavailableException("could not read from " + description + ": " + rootMessage(e), e);
        }
    }

    /** One transaction; rolled back on any failure, so a failed write leaves nothing behind. */
    private <T> T write(String what, Work<T> work) {
        try {
            return withConnection(work, true);
        } catch (SQLException | RuntimeException e) {
            throw new StoreUnavailableException("could not " + what + " " + description + ": " + rootMessage(e), e);
        }
    }

    /**
     * Runs {@code work} on a pooled connection, and once more on a new one if the first broke. The
     * pool hands out a connection used in the last half second without checking it, so right
     * after the server comes back (a restart, a network blip) the pool may still hold dead ones;
     * they are all evicted on that failure and the second attempt gets a live one. Not getting a
     * connection at all (the server is away) is not retried: the exporter hears 503 after one
     * wait, not two. Writes are idempotent (span ids), so repeating one whose commit was lost on
     * the wire is safe.
     */
    private <T> T withConnection(Work<T> work, boolean transaction) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Connection c = connection();
            try (c) {
                return transaction ? inTransaction(c, work) : work.run(c);
            } catch (SQLException | RuntimeException e) {
                if (attempt > 1 || !brokenConnection(e)) {
                    throw e;
                }
                // what broke one pooled connection (a restart) broke the idle ones too
                pool.getHikariPoolMXBean().softEvictConnections();
            }
        }
    }

    /**
     * A pooled connection, or one straight from the server when the pool has none to give in time.
     * While the server is away the pool backs off between connection attempts, up to 5 s, so for
     * a few seconds after the server is back it can still time out; asking the server directly
     * makes the first export after an outage succeed instead of failing once more.
     */
    private Connection connection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException poolTimedOut) {
            return direct.getConnection();
        }
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection: the failure that broke it is the one to report
            }
        }
    }

    /** SQLSTATE class 08 (connection exception) or 57P01-57P03 (the server shut down or is starting). */
    static boolean brokenConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is already broken; the original error says why
        }
    }

    @Override
    public EncodedChunk encode(TraceId traceId, List<Span> spans, TraceSummary summary) {
        return EncodedChunk.of(spans, summary);
    }

    @Override
    public synchronized List<TraceWrite<EncodedChunk>> write(long arrivedUnixNano, WritePlan<EncodedChunk> plan) {
        Inserted inserted = write("write to", c -> {
            List<TraceWrite<EncodedChunk>> writes = plan.against(new StoredTraces() {
                @Override
                public Map<TraceId, Optional<TraceSummary>> summaries(Collection<TraceId> ids) {
                    try {
                        return loadSummaries(c, ids);
                    } catch (SQLException e) {
                        throw new StoreUnavailableException("could not read from " + description + ": " + rootMessage(e), e);
                    }
                }

                @Override
                public Map<TraceId, List<Span>> spans(Collection<TraceId> ids) {
                    try {
                        return loadSpans(c, ids);
                    } catch (SQLException e) {
                        throw new StoreUnavailableException("could not read from " + description + ": " + rootMessage(e), e);
                    }
                }
            });
            return new Inserted(writes, insert(c, writes, arrivedUnixNano));
        });
        knownOperations.written(inserted.operations());
        if (statsLoaded) {
            for (TraceWrite<EncodedChunk> w : inserted.writes()) {
                w.replaces().ifPresent(stats::remove);
                stats.add(w.summary());
            }
        }
        return inserted.writes();
    }

    private record Inserted(List<TraceWrite<EncodedChunk>> writes, Set<KnownOperations.Operation> operations) {
    }

    /** Inserts the chunks, summaries and new operations; returns the operations it inserted. */
    private Set<KnownOperations.Operation> insert(Connection c, List<TraceWrite<EncodedChunk>> traces, long now)
            throws SQLException {
        if (traces.isEmpty()) {
            return Set.of();
        }
        Set<KnownOperations.Operation> newOperations = knownOperations.newIn(traces);
        try (PreparedStatement insertChunk = c.prepareStatement(
                     "INSERT INTO span_chunks (trace_id, span_count, spans, terms)"
                             + " VALUES (?, ?, ?, array_to_tsvector(?::text[]))");
             PreparedStatement upsertTrace = c.prepareStatement(
                     "INSERT INTO traces (trace_id, start_ns, end_ns, duration_ns, service_name, root_name, span_count,"
                             + " error_count, cost_usd, summary, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             + " ON CONFLICT (trace_id) DO UPDATE SET start_ns = excluded.start_ns,"
                             + " end_ns = excluded.end_ns, duration_ns = excluded.duration_ns,"
                             + " service_name = excluded.service_name, root_name = excluded.root_name,"
                             + " span_count = excluded.span_count, error_count = excluded.error_count,"
                             + " cost_usd = excluded.cost_usd, summary = excluded.summary,"
                             + " updated_ns = excluded.updated_ns, regression = NULL");
             PreparedStatement insertOperation = c.prepareStatement(
                     "INSERT INTO operations (service_name, span_name) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (TraceWrite<EncodedChunk> w : traces) {
                EncodedChunk chunk = w.encoded();
                TraceSummary summary = w.summary();
                byte[] id = w.traceId().toBytes();
                addChunks(c, insertChunk, id, w.spans(), chunk.spans(), chunk.terms(),
                        summary.rollup().primitiveTypes());
                upsertTrace.setBytes(1, id);
                upsertTrace.setLong(2, summary.startTimeUnixNano());
                upsertTrace.setLong(3, summary.endTimeUnixNano());
                upsertTrace.setLong(4, summary.durationNanos());
                upsertTrace.setString(5, summary.serviceName());
                upsertTrace.setString(6, summary.rootName());
                upsertTrace.setInt(7, summary.spanCount());
                upsertTrace.setInt(8, summary.errorCount());
                if (summary.rollup().costUsd().isPresent()) {
                    upsertTrace.setDouble(9, summary.rollup().costUsd().get());
                } else {
                    upsertTrace.setNull(9, Types.DOUBLE);
                }
                upsertTrace.setBytes(10, chunk.summary(summary));
                upsertTrace.setLong(11, now);
                upsertTrace.addBatch();
            }
            insertChunk.executeBatch();
            upsertTrace.executeBatch();
            KnownOperations.insert(insertOperation, newOperations);
        }
        return newOperations;
    }

    /** One chunk row, or several when the spans' terms would not fit one tsvector. */
    private static void addChunks(Connection c, PreparedStatement insertChunk, byte[] traceId, List<Span> spans,
                                  byte[] encoded, SearchTerms.Chunk terms, Collection<String> primitiveTypes)
            throws SQLException {
        List<String> lexemes = terms.tokens(PostgresTerms.EXACT_PREFIX);
        if (spans.size() > 1 && PostgresTerms.sizeInBytes(lexemes) > PostgresTerms.MAX_TERM_BYTES) {
            int half = spans.size() / 2;
            for (List<Span> part : List.of(spans.subList(0, half), spans.subList(half, spans.size()))) {
                addChunks(c, insertChunk, traceId, part, SpanCodec.encode(part),
                        SearchTerms.forChunk(part, primitiveTypes), primitiveTypes);
            }
            return;
        }
        insertChunk.setBytes(1, traceId);
        insertChunk.setInt(2, spans.size());
        insertChunk.setBytes(3, encoded);
        insertChunk.setArray(4, c.createArrayOf("text", lexemes.toArray()));
        insertChunk.addBatch();
    }

    private static java.sql.Array idArray(Connection c, Collection<TraceId> ids) throws SQLException {
        byte[][] bytes = new byte[ids.size()][];
        int i = 0;
        for (TraceId id : ids) {
            bytes[i++] = id.toBytes();
        }
        return c.createArrayOf("bytea", bytes);
    }

    private static Map<TraceId, Optional<TraceSummary>> loadSummaries(Connection c, Collection<TraceId> ids)
            throws SQLException {
        Map<TraceId, Optional<TraceSummary>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, summary FROM traces WHERE trace_id = ANY(?)")) {
            ps.setArray(1, idArray(c, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TraceId id = TraceId.fromBytes(rs.getBytes(1));
                    out.put(id, SummaryCodec.decode(id, rs.getBytes(2)));
                }
            }
        }
        return out;
    }

    private static Map<TraceId, List<Span>> loadSpans(Connection c, Collection<TraceId> ids) throws SQLException {
        Map<TraceId, List<Span>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, spans FROM span_chunks WHERE trace_id = ANY(?)")) {
            ps.setArray(1, idArray(c, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(TraceId.fromBytes(rs.getBytes(1)), k -> new ArrayList<>())
                            .addAll(SpanCodec.decode(rs.getBytes(2)));
                }
            }
        }
        return out;
    }

    private static List<Span> loadSpans(Connection c, TraceId id) throws SQLException {
        return loadSpans(c, List.of(id)).getOrDefault(id, List.of());
    }

    @Override
    public Optional<Trace> findTrace(TraceId traceId) {
        return read(c -> {
            List<Span> spans = loadSpans(c, traceId);
            return spans.isEmpty() ? Optional.empty() : Optional.of(assembler.assemble(traceId, spans));
        });
    }

    /**
     * Column filters use the traces table and its indexes; name, attribute, model, primitive, status
     * and free-text filters each test the trace's chunks through the GIN index, each on its own,
     * since two terms may sit in different chunks of one trace (see {@link TraceSearchSql}).
     */
    @Override
    public TracePage search(TraceSearch search) {
        return read(c -> TraceSearchSql.search(c, search, dialect));
    }

    private final TraceSearchSql.Dialect dialect = new TraceSearchSql.Dialect() {
        @Override
        public String tracesTable() {
            return "traces t";
        }

        @Override
        public String column(String name) {
            return "t." + name;
        }

        @Override
        public String regressionFlag() {
            return "coalesce(t.regression, false)";
        }

        @Override
        public void appendTerm(Connection c, TraceSearchSql.Term term, int pageRows, StringBuilder where,
                               List<Object> args) {
            where.append("EXISTS (SELECT 1 FROM span_chunks c WHERE c.trace_id = t.trace_id AND c.terms @@ ?::tsquery)");
            args.add(term.word().map(PostgresTerms::word).orElseGet(() -> PostgresTerms.exact(term.exactHash().get())));
        }

        @Override
        public List<Span> spans(Connection c, TraceId id) throws SQLException {
            return loadSpans(c, id);
        }

        @Override
        public TraceSummary recompute(Connection c, TraceId id) throws SQLException {
            return assembler.summarize(id, loadSpans(c, id));
        }
    };

    @Override
    public long traceCount() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM traces");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public Map<TraceId, Map<String, Integer>> spanNameCounts(Collection<TraceId> traceIds) {
        if (traceIds.isEmpty()) {
            return Map.of();
        }
        return read(c -> {
            Map<TraceId, Map<String, Integer>> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, spans FROM span_chunks WHERE trace_id = ANY(?)")) {
                ps.setArray(1, idArray(c, new LinkedHashSet<>(traceIds)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        SpanCodec.countNames(rs.getBytes(2),
                                out.computeIfAbsent(TraceId.fromBytes(rs.getBytes(1)), k -> new HashMap<>()));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void flagRegressions(Map<TraceId, Boolean> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        write("write to", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE traces SET regression = ? WHERE trace_id = ?")) {
                for (Map.Entry<TraceId, Boolean> v : verdicts.entrySet()) {
                    ps.setBoolean(1, v.getValue());
                    ps.setBytes(2, v.getKey().toBytes());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<TraceSummary> findSummaries(Collection<TraceId> traceIds) {
        List<TraceId> ids = new ArrayList<>(new LinkedHashSet<>(traceIds));
        if (ids.isEmpty()) {
            return List.of();
        }
        return read(c -> {
            List<TraceSummary> out = new ArrayList<>(ids.size());
            for (Map.Entry<TraceId, Optional<TraceSummary>> e : loadSummaries(c, ids).entrySet()) {
                out.add(e.getValue().isPresent() ? e.getValue().get()
                        : assembler.summarize(e.getKey(), loadSpans(c, e.getKey())));
            }
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
        write("read", c -> {
            scan(c, "SELECT trace_id, summary FROM traces", null, stats::add);
            return null;
        });
        statsLoaded = true;
    }

    /** Streams rows with a server-side cursor (needs a transaction), so no scan sits in memory whole. */
    private void scan(Connection c, String sql, Long arg, Consumer<TraceSummary> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1000);
            if (arg != null) {
                ps.setLong(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TraceId id = TraceId.fromBytes(rs.getBytes(1));
                    Optional<TraceSummary> s = SummaryCodec.decode(id, rs.getBytes(2));
                    sink.accept(s.isPresent() ? s.get() : assembler.summarize(id, loadSpans(c, id)));
                }
            }
        }
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
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                scan(c, "SELECT trace_id, summary FROM traces WHERE start_ns >= ?", fromUnixNano, sink);
                c.commit();
            } finally {
                rollbackQuietly(c);
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read from " + description + ": " + rootMessage(e), e);
        }
    }

    @Override
    public synchronized boolean deleteTrace(TraceId traceId) {
        return delete(List.of(traceId)) == 1;
    }

    /** Deletes these traces in one transaction; returns how many were stored. */
    private long delete(List<TraceId> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<TraceSummary> removed = write("delete from", c -> {
            List<TraceSummary> before = new ArrayList<>();
            for (Map.Entry<TraceId, Optional<TraceSummary>> e : loadSummaries(c, ids).entrySet()) {
                before.add(e.getValue().isPresent() ? e.getValue().get()
                        : assembler.summarize(e.getKey(), loadSpans(c, e.getKey())));
            }
            for (String sql : List.of("DELETE FROM span_chunks WHERE trace_id = ANY(?)",
                    "DELETE FROM traces WHERE trace_id = ANY(?)")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, idArray(c, ids));
                    ps.executeUpdate();
                }
            }
            return before;
        });
        if (statsLoaded) {
            removed.forEach(stats::remove);
        }
        return removed.size();
    }

    @Override
    public synchronized long deleteAll() {
        long count = write("delete from", c -> {
            try (var st = c.createStatement()) {
                long n;
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM traces")) {
                    rs.next();
                    n = rs.getLong(1);
                }
                // TRUNCATE is transactional in PostgreSQL and leaves no dead rows for vacuum
                st.executeUpdate("TRUNCATE traces, span_chunks, operations");
                return n;
            }
        });
        knownOperations.clear();
        stats.clear();
        statsLoaded = true;
        return count;
    }

    /**
     * Both rules select a prefix of the traces in arrival order, so one walk of the arrival index
     * from the oldest end finds the victims of both.
     */
    @Override
    public synchronized long evict(long keepNewest, Optional<Long> arrivedBeforeUnixNano, int maxPerCall) {
        if (keepNewest < 0 || maxPerCall < 1) {
            throw new IllegalArgumentException("keepNewest must be >= 0 and maxPerCall >= 1, got "
                    + keepNewest + " and " + maxPerCall);
        }
        List<TraceId> victims = read(c -> {
            long excess = 0;
            if (keepNewest != Long.MAX_VALUE) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM traces");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    excess = Math.max(0, rs.getLong(1) - keepNewest);
                }
            }
            if (excess == 0 && arrivedBeforeUnixNano.isEmpty()) {
                return List.of();
            }
            long cutoff = arrivedBeforeUnixNano.orElse(Long.MIN_VALUE);
            List<TraceId> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT trace_id, updated_ns FROM traces ORDER BY updated_ns ASC, trace_id ASC LIMIT ?")) {
                ps.setInt(1, maxPerCall);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && (out.size() < excess || rs.getLong(2) < cutoff)) {
                        out.add(TraceId.fromBytes(rs.getBytes(1)));
                    }
                }
            }
            return out;
        });
        return delete(victims);
    }

    @Override
    public synchronized void close() {
        pool.close();
    }
}
