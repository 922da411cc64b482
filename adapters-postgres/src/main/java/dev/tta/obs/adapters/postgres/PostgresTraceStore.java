package dev.tta.obs.adapters.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tta.obs.adapters.jdbc.EncodedChunk;
import dev.tta.obs.adapters.jdbc.JdbcTraceStore;
import dev.tta.obs.adapters.jdbc.SearchTerms;
import dev.tta.obs.adapters.jdbc.TraceSearchSql;
import dev.tta.obs.adapters.jdbc.SpanCodec;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceWrite;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

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

import javax.sql.DataSource;

/**
 * The team store: the same SPI as the SQLite store, on a PostgreSQL server.
 *
 * <p>The layout is the SQLite store's ({@link JdbcTraceStore} holds what they share): the spans of
 * one trace that arrive in one commit are encoded together into one chunk row, each trace has one
 * summary row; here a chunk's search terms sit in a GIN-indexed tsvector beside it. Reads and
 * writes of one commit are batched into a few statements ({@code = ANY(?)}), since every round
 * trip to the server costs far more than the same work in SQLite.
 *
 * <p>Connections come from a small pool that replaces broken connections by itself, so when the
 * server goes away a write fails with {@link StoreUnavailableException} (the exporter retries) and
 * the store works again as soon as the server is back.
 */
public final class PostgresTraceStore extends JdbcTraceStore {
    private static final int POOL_SIZE = 5;
    /** How long a caller waits for a connection before the exporter is told to retry. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final String description;
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
                store.recomputeRowsWithoutOutcome();
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

    /** A server-side cursor needs a transaction. */
    @Override
    protected <T> T readStreaming(Work<T> work) {
        return inWriteTransaction("read from", work);
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
    protected String upsertTraceSql() {
        return "INSERT INTO traces (" + TRACE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (trace_id) DO UPDATE SET start_ns = excluded.start_ns,"
                + " end_ns = excluded.end_ns, duration_ns = excluded.duration_ns,"
                + " service_name = excluded.service_name, root_name = excluded.root_name,"
                + " span_count = excluded.span_count, error_count = excluded.error_count,"
                + " cost_usd = excluded.cost_usd, summary = excluded.summary,"
                + " updated_ns = excluded.updated_ns, outcome = excluded.outcome, regression = NULL";
    }

    @Override
    protected String insertOperationSql() {
        return "INSERT INTO operations (service_name, span_name) VALUES (?, ?) ON CONFLICT DO NOTHING";
    }

    @Override
    protected void insertChunks(Connection c, List<TraceWrite<EncodedChunk>> writes) throws SQLException {
        try (PreparedStatement insertChunk = c.prepareStatement("INSERT INTO span_chunks (trace_id, span_count, spans,"
                + " terms) VALUES (?, ?, ?, array_to_tsvector(?::text[]))")) {
            for (TraceWrite<EncodedChunk> w : writes) {
                addChunks(c, insertChunk, w.traceId().toBytes(), w.spans(), w.encoded().spans(), w.encoded().terms(),
                        w.summary().rollup().primitiveTypes());
            }
            insertChunk.executeBatch();
        }
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

    /**
     * Column filters use the traces table and its indexes; name, attribute, model, primitive, status
     * and free-text filters each test the trace's chunks through the GIN index, each on its own,
     * since two terms may sit in different chunks of one trace (see {@link TraceSearchSql}).
     */
    @Override
    public TracePage search(TraceSearch query) {
        return read(c -> search(c, query, dialect));
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
            args.add(term.word().map(PostgresTerms::word).orElseGet(() -> term.exactHashes().stream()
                    .map(PostgresTerms::exact).collect(java.util.stream.Collectors.joining(" | "))));
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
        List<TraceSummary> removed = inWriteTransaction("delete from", c -> {
            List<TraceSummary> before = summariesOrRecomputed(c, ids);
            for (String sql : List.of("DELETE FROM span_chunks WHERE trace_id = ANY(?)",
                    "DELETE FROM llm_calls WHERE trace_id = ANY(?)",
                    "DELETE FROM traces WHERE trace_id = ANY(?)")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, idArray(c, ids));
                    ps.executeUpdate();
                }
            }
            return before;
        });
        forgotten(removed);
        return removed.size();
    }

    @Override
    protected void deleteAllRows(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            // TRUNCATE is transactional in PostgreSQL and leaves no dead rows for vacuum
            st.executeUpdate("TRUNCATE traces, span_chunks, llm_calls, llm_calls_backfill, operations");
        }
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
