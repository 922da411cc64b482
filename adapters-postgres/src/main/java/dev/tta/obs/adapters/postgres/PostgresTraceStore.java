package dev.tta.obs.adapters.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tta.obs.adapters.jdbc.EncodedChunk;
import dev.tta.obs.adapters.jdbc.JdbcTraceStore;
import dev.tta.obs.adapters.jdbc.RunningStats;
import dev.tta.obs.adapters.jdbc.SearchTerms;
import dev.tta.obs.adapters.jdbc.TraceSearchSql;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceChanges;
import dev.tta.obs.ports.out.TraceWrite;
import dev.tta.obs.domain.query.TraceStats;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.function.Consumer;

import javax.sql.DataSource;

/**
 * The team store: the same SPI as the SQLite store, on a PostgreSQL server.
 *
 * <p>The layout is the SQLite store's ({@link JdbcTraceStore} holds what they share): the spans of
 * one trace that arrive in one commit are encoded together into one chunk row, each trace has one
 * summary row; here a chunk's search terms sit beside it, GIN-indexed ({@link PostgresTerms}). Reads and
 * writes of one commit are batched into a few statements ({@code = ANY(?)}), since every round
 * trip to the server costs far more than the same work in SQLite.
 *
 * <p>Several processes may share the database (tta-obs nodes behind one address): a write locks
 * its traces before reading them ({@link #lockTraces}), the /api/stats numbers are rollup rows
 * that each write's transaction updates ({@link #beforeCommit}), each commit notifies the ids of
 * its traces to every listening node ({@link #listen}), and retention runs one node at a time.
 *
 * <p>Connections come from a small pool that replaces broken connections by itself, so when the
 * server goes away a write fails with {@link StoreUnavailableException} (the exporter retries) and
 * the store works again as soon as the server is back.
 */
public final class PostgresTraceStore extends JdbcTraceStore implements TraceChanges {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresTraceStore.class);
    /** The channel a commit notifies with the ids of the traces it changed. */
    static final String CHANNEL = "tta_obs_traces";
    /**
     * The first half of the two-int advisory lock key of a trace being written; the second is a
     * hash of its id. Two traces sharing a hash only take turns. (PostgreSQL keeps two-int and
     * bigint keys apart, so this cannot collide with {@link #RETENTION_LOCK}.)
     */
    private static final int TRACE_LOCK_CLASS = 0x7474_6f62;
    /** The bigint advisory lock key of a retention batch: one node evicts at a time. */
    static final long RETENTION_LOCK = 0x7474_612d_6f62_7372L;
    /** Trace ids per notification: 32 hex digits and a comma each, under the 8000-byte payload limit. */
    private static final int IDS_PER_NOTIFICATION = 200;
    private static final int POOL_SIZE = 5;
    /**
     * Commits that may run at once. One commit keeps one server backend busy at a time, and while
     * it waits (its fsync, a round trip) the server's other cores idle; a second overlaps that wait
     * and its work. Writes of one trace take turns on its lock ({@link #lockTraces}), as those of
     * two nodes do.
     */
    private static final int CONCURRENT_WRITES = 2;
    /** How long a caller waits for a connection before the exporter is told to retry. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final String description;
    /** Why the last write transaction failed, while none has succeeded since (for /api/health). */
    private volatile String writeFailure;
    private final ChunkPartitions partitions = new ChunkPartitions();
    private final PlannerStatistics statistics = new PlannerStatistics(work -> withConnection(c -> {
        work.run(c);
        return null;
    }, false));
    private final HikariDataSource pool;
    /** The server without the pool, for when the pool has no connection to give (see {@link #connection}). */
    private final DataSource direct;

    private PostgresTraceStore(String description, TraceAssembler assembler, HikariDataSource pool, DataSource direct) {
        super(assembler);
        this.description = description;
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
            PostgresTraceStore store = new PostgresTraceStore("postgres " + where, assembler,
                    new HikariDataSource(config), direct);
            try {
                long recomputed = store.recomputeRowsWithoutOutcome();
                store.buildRollups(recomputed > 0);
                store.backfillLlmCalls();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot open PostgreSQL database " + where + ": " + rootMessage(e), e);
        }
    }

    /** The URL without its query, where a password may be. */
    private static String redact(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    @Override
    public String describe() {
        return description;
    }

    /** Metrics and logs in this database, on this store's connections: valid until this store is closed. */
    public PostgresTelemetryStore telemetry() {
        return new PostgresTelemetryStore(this);
    }

    @Override
    protected <T> T read(Work<T> work) {
        try {
            return withConnection(work, false);
        } catch (SQLException | RuntimeException e) {
            throw new StoreUnavailableException("could not read from " + description + ": " + rootMessage(e), e);
        }
    }

    /** One transaction; rolled back on any failure, so a failed write leaves nothing behind. */
    @Override
    protected <T> T inWriteTransaction(String what, Work<T> work) {
        try {
            T result = withConnection(work, true);
            writeFailure = null;
            return result;
        } catch (SQLException | RuntimeException e) {
            writeFailure = rootMessage(e);
            partitions.forgetOnMissingPartition(e);
            throw new StoreUnavailableException("could not " + what + " " + description + ": " + rootMessage(e), e);
        }
    }

    @Override
    public Optional<String> writeFailure() {
        return Optional.ofNullable(writeFailure);
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
    <T> T withConnection(Work<T> work, boolean transaction) throws SQLException {
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

    /** A server-side cursor needs a transaction. */
    @Override
    protected <T> T readStreaming(Work<T> work) {
        try {
            return withConnection(work, true);
        } catch (SQLException | RuntimeException e) {
            throw new StoreUnavailableException("could not read from " + description + ": " + rootMessage(e), e);
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
    protected void forIds(Connection c, String select, Collection<TraceId> ids, RowWork row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select + " = ANY(?)")) {
            ps.setArray(1, idArray(c, new LinkedHashSet<>(ids)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    @Override
    public int concurrentWrites() {
        return CONCURRENT_WRITES;
    }

    @Override
    protected String upsertTraceSql() {
        return "INSERT INTO traces (" + TRACE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (trace_id) DO UPDATE SET start_ns = excluded.start_ns,"
                + " end_ns = excluded.end_ns, duration_ns = excluded.duration_ns,"
                + " service_name = excluded.service_name, root_name = excluded.root_name,"
                + " span_count = excluded.span_count, error_count = excluded.error_count,"
                + " cost_usd = excluded.cost_usd, summary = excluded.summary,"
                + " updated_ns = excluded.updated_ns, outcome = excluded.outcome, session_id = excluded.session_id,"
                + " user_id = excluded.user_id, input_tokens = excluded.input_tokens,"
                + " output_tokens = excluded.output_tokens, regression = NULL";
    }

    @Override
    protected String insertOperationSql() {
        return "INSERT INTO operations (service_name, span_name) VALUES (?, ?) ON CONFLICT DO NOTHING";
    }

    @Override
    protected void insertChunks(Connection c, long arrivedUnixNano, List<TraceWrite<EncodedChunk>> writes)
            throws SQLException {
        ChunkCopy rows = new ChunkCopy();
        int day = ChunkPartitions.day(arrivedUnixNano);
        for (TraceWrite<EncodedChunk> w : writes) {
            SearchTerms.Chunk terms = w.encoded().terms();
            rows.add(w.traceId().toBytes(), w.spans().size(), w.encoded().spans(), terms.words(), terms.exact(), day);
        }
        rows.copy(c);
        // counted before the commit: the ANALYZE runs on another connection a moment later, and
        // its threshold is a doubling, which a write in flight or rolled back hardly moves
        statistics.wrote(writes.stream().filter(w -> w.replaces().isEmpty()).count(), ChunkPartitions.name(day),
                writes.size());
    }

    private static java.sql.Array idArray(Connection c, Collection<TraceId> ids) throws SQLException {
        byte[][] bytes = new byte[ids.size()][];
        int i = 0;
        for (TraceId id : ids) {
            bytes[i++] = id.toBytes();
        }
        return c.createArrayOf("bytea", bytes);
    }

    /**
     * Column filters use the traces table and its indexes; name, attribute, model, primitive, status
     * and free-text filters each test the trace's chunks through the GIN index, each on its own,
     * since two terms may sit in different chunks of one trace (see {@link TraceSearchSql}).
     */
    @Override
    public TracePage search(TraceSearch query) {
        return read(c -> {
            // Unnamed statements, planned for this query's terms every time: a plan the server keeps
            // for the statement (after five runs) cannot know how rare a term is, and whether to walk
            // the newest traces testing each or to start from the term's chunks depends on that.
            PGConnection pg = c.unwrap(PGConnection.class);
            int threshold = pg.getPrepareThreshold();
            pg.setPrepareThreshold(0);
            try {
                return search(c, query, dialect);
            } finally {
                pg.setPrepareThreshold(threshold);
            }
        });
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
            where.append("EXISTS (SELECT 1 FROM span_chunks c WHERE c.trace_id = t.trace_id AND ");
            if (term.word().isPresent()) {
                where.append("c.terms @@ ?::tsquery)");
                args.add(PostgresTerms.word(term.word().get()));
            } else {
                where.append("c.exact && ?::bigint[])");
                args.add(term.exactHashes().stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(",", "{", "}")));
            }
        }
    };

    @Override
    public synchronized boolean deleteTrace(TraceId traceId) {
        return delete(List.of(traceId)) == 1;
    }

    /** Deletes these traces in one transaction; returns how many were stored. */
    private long delete(List<TraceId> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<TraceSummary> removed = inWriteTransaction("delete from", c -> deleteIn(c, ids));
        forgotten(removed);
        return removed.size();
    }

    /** Deletes these traces in the caller's transaction, rollups included; returns the summaries they had. */
    private List<TraceSummary> deleteIn(Connection c, List<TraceId> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        lockTraces(c, ids);
        List<TraceSummary> before = summariesOrRecomputed(c, ids);
        for (String sql : List.of("DELETE FROM span_chunks WHERE trace_id = ANY(?)",
                "DELETE FROM traces WHERE trace_id = ANY(?)", "DELETE FROM feedback WHERE trace_id = ANY(?)",
                "DELETE FROM llm_calls WHERE trace_id = ANY(?)")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, idArray(c, ids));
                ps.executeUpdate();
            }
        }
        RunningStats change = new RunningStats();
        before.forEach(change::remove);
        applyRollups(c, change);
        return before;
    }

    // ---- partitions of span_chunks by arrival day (see ChunkPartitions)

    @Override
    protected void beforeWrite(long arrivedUnixNano) {
        int day = ChunkPartitions.day(arrivedUnixNano);
        if (!partitions.known(day) && inWriteTransaction("add a day's partition to", c -> partitions.ensure(c, day))) {
            try {
                read(partitions::cleanPendingLists);
            } catch (StoreUnavailableException e) {
                // a login that does not own the indexes: autovacuum cleans them, only later
                LOG.warn("could not merge the search index's pending entries of the earlier days: {}", e.getMessage());
            }
        }
    }

    /**
     * Evicts by dropping the chunk partitions of whole days that arrived before the cutoff, when
     * there are any: every trace that arrived before the cutoff goes (its row, its rollup share, its
     * chunks in the partitions that stay), while the few chunks in those partitions that belong to
     * traces still kept (spans that arrived later) move to the partition of their trace's last
     * arrival first. Reads and writes of spans wait meanwhile (the DROP needs the table to itself);
     * other nodes skip retention while it runs.
     *
     * @return the summaries of the traces evicted; empty when no partition was old enough
     */
    private List<TraceSummary> dropExpiredPartitions(long cutoffUnixNano) {
        int cutoffDay = ChunkPartitions.day(cutoffUnixNano);
        List<Integer> droppedDays = new ArrayList<>();
        List<TraceSummary> removed = inWriteTransaction("delete from", c -> {
            if (!retentionLock(c)) {
                return List.of();
            }
            List<ChunkPartitions.Partition> expired = partitions.list(c).stream()
                    .filter(p -> p.toDay() <= cutoffDay).toList();
            if (expired.isEmpty()) {
                return List.of();
            }
            // span_chunks first, as the DROP needs it anyway: a writer that already read it finishes
            // before this goes on, and none can then hold traces while waiting for span_chunks
            try (var st = c.createStatement()) {
                st.execute("LOCK TABLE span_chunks IN ACCESS EXCLUSIVE MODE");
                st.execute("LOCK TABLE traces IN EXCLUSIVE MODE");
            }
            List<TraceId> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM traces WHERE updated_ns < ?")) {
                ps.setLong(1, cutoffUnixNano);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(TraceId.fromBytes(rs.getBytes(1)));
                    }
                }
            }
            List<TraceSummary> before = summariesOrRecomputed(c, ids);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM traces WHERE updated_ns < ?")) {
                ps.setLong(1, cutoffUnixNano);
                ps.executeUpdate();
            }
            for (ChunkPartitions.Partition p : expired) {
                partitions.moveKeptChunks(c, p);
                partitions.drop(c, p);
                droppedDays.addAll(p.days());
            }
            // their chunks in the partitions that stay (the cutoff's own day, the legacy partition),
            // and their feedback and LLM calls, which go with their trace
            for (String sql : List.of("DELETE FROM span_chunks WHERE trace_id = ANY(?)",
                    "DELETE FROM feedback WHERE trace_id = ANY(?)", "DELETE FROM llm_calls WHERE trace_id = ANY(?)")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, idArray(c, ids));
                    ps.executeUpdate();
                }
            }
            RunningStats change = new RunningStats();
            before.forEach(change::remove);
            applyRollups(c, change);
            return before;
        });
        partitions.forget(droppedDays);
        statistics.dropped(droppedDays.stream().map(ChunkPartitions::name).toList());
        forgotten(removed);
        return removed;
    }

    private static boolean retentionLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, RETENTION_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    // ---- what makes several nodes on one database agree

    @Override
    protected void lockTraces(Connection c, Collection<TraceId> ids) throws SQLException {
        // sorted, so two writers of overlapping traces never wait for each other in a cycle
        Object[] keys = ids.stream().mapToInt(id -> Arrays.hashCode(id.toBytes())).distinct().sorted()
                .boxed().toArray();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(?, k)) FROM unnest(?::int[]) AS k")) {
            ps.setInt(1, TRACE_LOCK_CLASS);
            ps.setArray(2, c.createArrayOf("int4", keys));
            ps.executeQuery().close();
        }
    }

    /** The write's change to the stats rollups, and a notification of its traces, both delivered by the commit. */
    @Override
    protected void beforeCommit(Connection c, List<TraceWrite<EncodedChunk>> writes) throws SQLException {
        RunningStats change = new RunningStats();
        List<String> ids = new ArrayList<>(writes.size());
        for (TraceWrite<EncodedChunk> w : writes) {
            w.replaces().ifPresent(change::remove);
            change.add(w.summary());
            ids.add(w.traceId().hex());
        }
        applyRollups(c, change);
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += IDS_PER_NOTIFICATION) {
            payloads.add(String.join(",", ids.subList(i, Math.min(ids.size(), i + IDS_PER_NOTIFICATION))));
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_notify(?, p)) FROM unnest(?::text[]) AS p")) {
            ps.setString(1, CHANNEL);
            ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
            ps.executeQuery().close();
        }
    }

    /** Adds {@code change} to the rollup rows, in key order (row locks in one order: no deadlock between nodes). */
    private static void applyRollups(Connection c, RunningStats change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stats_durations (bucket, traces, failed,"
                + " recovered, duration_ns) VALUES (?, ?, ?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET"
                + " traces = stats_durations.traces + excluded.traces,"
                + " failed = stats_durations.failed + excluded.failed,"
                + " recovered = stats_durations.recovered + excluded.recovered,"
                + " duration_ns = stats_durations.duration_ns + excluded.duration_ns")) {
            change.forEachBucket((bucket, traces, failed, recovered, durationNs) -> {
                ps.setInt(1, bucket);
                ps.setLong(2, traces);
                ps.setLong(3, failed);
                ps.setLong(4, recovered);
                ps.setDouble(5, durationNs);
                ps.addBatch();
            });
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stats_cost_by_day (day, cost_usd, priced,"
                + " unpriced_llm) VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET"
                + " cost_usd = stats_cost_by_day.cost_usd + excluded.cost_usd,"
                + " priced = stats_cost_by_day.priced + excluded.priced,"
                + " unpriced_llm = stats_cost_by_day.unpriced_llm + excluded.unpriced_llm")) {
            change.forEachDay((day, cost, priced, unpriced) -> {
                ps.setLong(1, day);
                ps.setDouble(2, cost);
                ps.setLong(3, priced);
                ps.setLong(4, unpriced);
                ps.addBatch();
            });
            ps.executeBatch();
        }
    }

    /**
     * Fills the rollups from the traces when they do not account for them yet (the first open after
     * V8) or when {@code rebuild}. The traces table is held against writers meanwhile (SHARE mode:
     * other nodes' writes wait, reads go on), and the state row serializes nodes opening together.
     */
    private void buildRollups(boolean rebuild) {
        inWriteTransaction("build the stats of", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT built FROM stats_state FOR UPDATE");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getBoolean(1) && !rebuild) {
                    return null;
                }
            }
            try (var st = c.createStatement()) {
                st.execute("LOCK TABLE traces IN SHARE MODE");
                st.executeUpdate("DELETE FROM stats_durations");
                st.executeUpdate("DELETE FROM stats_cost_by_day");
            }
            RunningStats all = new RunningStats();
            scan(c, "SELECT trace_id, summary FROM traces", null, all::add);
            applyRollups(c, all);
            try (var st = c.createStatement()) {
                st.executeUpdate("UPDATE stats_state SET built = true");
            }
            return null;
        });
    }

    /** Read from the rollup rows: a few hundred rows at most, whatever the number of traces. */
    @Override
    public TraceStats stats(LocalDate costDay) {
        return read(c -> {
            RunningStats rows = new RunningStats();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT bucket, traces, failed, recovered, duration_ns FROM stats_durations");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.addBucket(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT cost_usd, priced, unpriced_llm FROM stats_cost_by_day WHERE day = ?")) {
                ps.setLong(1, costDay.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.addDay(costDay.toEpochDay(), rs.getDouble(1), rs.getLong(2), rs.getLong(3));
                    }
                }
            }
            return rows.snapshot(costDay);
        });
    }

    /** Notifications of every node's commits, on a connection of its own (see {@link ChangeListener}). */
    @Override
    public AutoCloseable listen(Consumer<List<TraceId>> changed) {
        return ChangeListener.start(direct, description, changed);
    }

    @Override
    protected void deleteAllRows(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            // TRUNCATE is transactional in PostgreSQL and leaves no dead rows for vacuum
            st.executeUpdate("TRUNCATE traces, span_chunks, llm_calls, llm_calls_backfill, operations, feedback,"
                    + " stats_durations, stats_cost_by_day");
        }
    }

    /**
     * Both rules select a prefix of the traces in arrival order, so one walk of the arrival index
     * from the oldest end finds the victims of both. One batch is one transaction under an advisory
     * lock: when another node holds it (it is evicting), this one evicts nothing and leaves it to it.
     */
    @Override
    public synchronized long evict(long keepNewest, Optional<Long> arrivedBeforeUnixNano, int maxPerCall) {
        if (keepNewest < 0 || maxPerCall < 1) {
            throw new IllegalArgumentException("keepNewest must be >= 0 and maxPerCall >= 1, got "
                    + keepNewest + " and " + maxPerCall);
        }
        long dropped = arrivedBeforeUnixNano.isPresent() ? dropExpiredPartitions(arrivedBeforeUnixNano.get()).size() : 0;
        List<TraceSummary> removed = inWriteTransaction("delete from", c -> {
            if (!retentionLock(c)) {
                return List.of();
            }
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
            List<TraceId> victims = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT trace_id, updated_ns FROM traces ORDER BY updated_ns ASC, trace_id ASC LIMIT ?")) {
                ps.setInt(1, maxPerCall);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && (victims.size() < excess || rs.getLong(2) < cutoff)) {
                        victims.add(TraceId.fromBytes(rs.getBytes(1)));
                    }
                }
            }
            return deleteIn(c, victims);
        });
        if (arrivedBeforeUnixNano.isPresent()) {
            inWriteTransaction("evict from", c -> {
                deleteUnclaimedFeedback(c, arrivedBeforeUnixNano.get());
                return null;
            });
        }
        forgotten(removed);
        return dropped + removed.size();
    }

    @Override
    public synchronized void close() {
        statistics.close();
        pool.close();
    }
}
