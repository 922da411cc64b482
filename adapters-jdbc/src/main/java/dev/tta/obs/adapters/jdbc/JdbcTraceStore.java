package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.LlmCall;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.session.SessionSummary;
import dev.tta.obs.domain.query.LlmCallPage;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallTotals;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.StoredTraces;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.out.TraceWrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What both SQL stores do the same way, over the same tables ({@code traces}: one row per trace
 * with its encoded summary; {@code span_chunks}: the spans of one trace that arrived in one commit,
 * encoded together; {@code llm_calls}: one row per LLM call; {@code operations}): the write of what
 * the core decided, the reads, the
 * running stats and the name lists. A store supplies its connections, how it binds a list of
 * trace ids, its upsert and its chunk inserts (its search index differs).
 */
public abstract class JdbcTraceStore implements TraceStore<EncodedChunk> {
    /** The columns {@link #upsertTraceSql} binds, in this order; it must also clear the regression verdict. */
    protected static final String TRACE_COLUMNS = "trace_id, start_ns, end_ns, duration_ns, service_name, root_name,"
            + " span_count, error_count, cost_usd, summary, updated_ns, outcome, session_id, user_id, input_tokens,"
            + " output_tokens";

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    public interface RowWork {
        void accept(ResultSet row) throws SQLException;
    }

    protected final TraceAssembler assembler;
    private final RunningStats stats = new RunningStats();
    /** Filled on the first stats call, under the writer's lock, then maintained by every write. */
    private volatile boolean statsLoaded;
    /** (service, span name) pairs known to be in the operations table; bounded, so only a shortcut. */
    private final KnownOperations knownOperations = new KnownOperations();

    protected JdbcTraceStore(TraceAssembler assembler) {
        this.assembler = assembler;
    }

    // ---- what a store supplies

    /** Runs {@code work} on a reading connection; a failure becomes {@link StoreUnavailableException}. */
    protected abstract <T> T read(Work<T> work);

    /** Like {@link #read}, for a scan that streams its rows (a store may need a transaction for a cursor). */
    protected <T> T readStreaming(Work<T> work) {
        return read(work);
    }

    /**
     * Runs {@code work} in one transaction on the writing connection: committed when it returns,
     * rolled back when it throws, which becomes {@link StoreUnavailableException} ("could not
     * {@code what} ..."). Callers hold the writer's lock (this object's monitor), except overlapping
     * writes of a store that takes them ({@link #concurrentWrites}).
     */
    protected abstract <T> T inWriteTransaction(String what, Work<T> work);

    /**
     * Runs {@code select}, which ends in {@code WHERE trace_id}, for the distinct {@code ids} (e.g.
     * {@code IN (...)} or {@code = ANY(?)}) and hands every row to {@code row}.
     */
    protected abstract void forIds(Connection c, String select, Collection<TraceId> ids, RowWork row)
            throws SQLException;

    /** The statement that inserts or replaces a trace row: {@link #TRACE_COLUMNS}, regression cleared. */
    protected abstract String upsertTraceSql();

    /** The statement that inserts a (service, span name) pair unless it is there. */
    protected abstract String insertOperationSql();

    /** Inserts the writes' chunks, inside the write's transaction (before the trace rows). */
    protected abstract void insertChunks(Connection c, long arrivedUnixNano, List<TraceWrite<EncodedChunk>> writes)
            throws SQLException;

    /**
     * Before a write's transaction (e.g. making room for the arrival day's rows): under the writer's
     * lock, unless the store takes overlapping writes ({@link #concurrentWrites}), when two may run at once.
     */
    protected void beforeWrite(long arrivedUnixNano) {
    }

    /** After a write committed, under the writer's lock (also with overlapping writes). */
    protected void committed(List<TraceWrite<EncodedChunk>> writes) {
    }

    /**
     * Before a write reads what is stored of these traces, in its transaction: a store that other
     * processes write too locks them here until the commit, so two writers of one trace take turns
     * and the second merges with what the first committed. Called once per trace and write.
     */
    protected void lockTraces(Connection c, Collection<TraceId> ids) throws SQLException {
    }

    /** The last step of a write's transaction, before its commit (e.g. rollups kept in the database). */
    protected void beforeCommit(Connection c, List<TraceWrite<EncodedChunk>> writes) throws SQLException {
    }

    /** What a store adds to a chunk encoded on the request thread (e.g. its terms as index text). */
    protected void readyForInsert(EncodedChunk chunk) {
    }

    // ---- writing

    @Override
    public final EncodedChunk encode(TraceId traceId, List<Span> spans, TraceSummary summary) {
        EncodedChunk chunk = EncodedChunk.of(spans, summary);
        readyForInsert(chunk);
        return chunk;
    }

    private record Written(List<TraceWrite<EncodedChunk>> writes, Set<KnownOperations.Operation> operations) {
    }

    /**
     * With one writer (the default), a write holds the writer's lock (this object's monitor) from
     * start to end, as deletes and retention do. A store that takes overlapping writes
     * ({@link #concurrentWrites}) keeps them apart in the database instead; they then take the
     * monitor only for the bookkeeping after their commit, never while a transaction is open, so a
     * delete holding the monitor and waiting for a write's row locks cannot deadlock with it.
     */
    @Override
    public final List<TraceWrite<EncodedChunk>> write(long arrivedUnixNano, WritePlan<EncodedChunk> plan) {
        if (concurrentWrites() > 1) {
            return writeAndCount(arrivedUnixNano, plan);
        }
        synchronized (this) {
            return writeAndCount(arrivedUnixNano, plan);
        }
    }

    private List<TraceWrite<EncodedChunk>> writeAndCount(long arrivedUnixNano, WritePlan<EncodedChunk> plan) {
        beforeWrite(arrivedUnixNano);
        Written written = inWriteTransaction("write to", c -> {
            List<TraceWrite<EncodedChunk>> writes = plan.against(stored(c));
            if (writes.isEmpty()) {
                return new Written(writes, Set.of());
            }
            Set<KnownOperations.Operation> operations;
            synchronized (knownOperations) {
                operations = knownOperations.newIn(writes);
            }
            insertChunks(c, arrivedUnixNano, writes);
            upsertTraces(c, writes, arrivedUnixNano);
            for (TraceWrite<EncodedChunk> w : writes) {
                FeedbackSql.insertOnce(c, w.encoded().feedback(), arrivedUnixNano);
            }
            LlmCallSql.write(c, writes.stream().map(JdbcTraceStore::calls).toList());
            try (PreparedStatement ps = c.prepareStatement(insertOperationSql())) {
                KnownOperations.insert(ps, operations);
            }
            beforeCommit(c, writes);
            return new Written(writes, operations);
        });
        synchronized (this) {
            synchronized (knownOperations) {
                knownOperations.written(written.operations());
            }
            if (statsLoaded) {
                for (TraceWrite<EncodedChunk> w : written.writes()) {
                    w.replaces().ifPresent(stats::remove);
                    stats.add(w.summary());
                }
            }
            committed(written.writes());
        }
        return written.writes();
    }

    private void upsertTraces(Connection c, List<TraceWrite<EncodedChunk>> writes, long arrivedUnixNano)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(upsertTraceSql())) {
            for (TraceWrite<EncodedChunk> w : writes) {
                TraceSummary s = w.summary();
                ps.setBytes(1, w.traceId().toBytes());
                ps.setLong(2, s.startTimeUnixNano());
                ps.setLong(3, s.endTimeUnixNano());
                ps.setLong(4, s.durationNanos());
                ps.setString(5, s.serviceName());
                ps.setString(6, s.rootName());
                ps.setInt(7, s.spanCount());
                ps.setInt(8, s.errorCount());
                if (s.rollup().costUsd().isPresent()) {
                    ps.setDouble(9, s.rollup().costUsd().get());
                } else {
                    ps.setNull(9, Types.DOUBLE);
                }
                ps.setBytes(10, w.encoded().summary(s));
                ps.setLong(11, arrivedUnixNano);
                ps.setString(12, s.outcome().label());
                bindSession(ps, 13, s);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Binds session_id, user_id, input_tokens and output_tokens from {@code index} on. */
    private static void bindSession(PreparedStatement ps, int index, TraceSummary s) throws SQLException {
        ps.setString(index, s.rollup().sessionId().orElse(null));
        ps.setString(index + 1, s.rollup().userId().orElse(null));
        ps.setLong(index + 2, s.rollup().inputTokens());
        ps.setLong(index + 3, s.rollup().outputTokens());
    }

    private static LlmCallSql.WriteCalls calls(TraceWrite<EncodedChunk> w) {
        return new LlmCallSql.WriteCalls() {
            @Override
            public TraceId traceId() {
                return w.traceId();
            }

            @Override
            public List<LlmCall> calls() {
                return w.llmCalls();
            }

            @Override
            public boolean replacesStored() {
                return w.replaces().isPresent();
            }
        };
    }

    /**
     * Fills {@code llm_calls} for the traces stored before it existed, which the migration that
     * made it listed in {@code llm_calls_backfill}: each trace's calls are computed from its spans,
     * in transactions of {@link #RECOMPUTE_BATCH} traces. A store calls this once it is open; a
     * database without such traces costs one query.
     *
     * @return how many traces were indexed
     */
    protected final synchronized long backfillLlmCalls() {
        long total = 0;
        while (true) {
            int n = inWriteTransaction("upgrade", c -> {
                List<TraceId> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT trace_id FROM llm_calls_backfill LIMIT " + RECOMPUTE_BATCH);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(TraceId.fromBytes(rs.getBytes(1)));
                    }
                }
                Map<TraceId, List<Span>> spans = loadSpans(c, ids);
                List<LlmCallSql.WriteCalls> writes = new ArrayList<>(ids.size());
                for (TraceId id : ids) {
                    List<Span> own = spans.getOrDefault(id, List.of());
                    List<LlmCall> calls = own.isEmpty() ? List.of() : assembler.summarizeWithCalls(id, own).llmCalls();
                    writes.add(new LlmCallSql.WriteCalls() {
                        @Override
                        public TraceId traceId() {
                            return id;
                        }

                        @Override
                        public List<LlmCall> calls() {
                            return calls;
                        }

                        @Override
                        public boolean replacesStored() {
                            return true;
                        }
                    });
                }
                LlmCallSql.write(c, writes);
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM llm_calls_backfill WHERE trace_id = ?")) {
                    for (TraceId id : ids) {
                        ps.setBytes(1, id.toBytes());
                        ps.addBatch();
                    }
                    if (!ids.isEmpty()) {
                        ps.executeBatch();
                    }
                }
                return ids.size();
            });
            total += n;
            if (n < RECOMPUTE_BATCH) {
                return total;
            }
        }
    }

    /** How many rows {@link #recomputeRowsWithoutOutcome} rewrites per transaction, so ingest waits little. */
    private static final int RECOMPUTE_BATCH = 500;

    /**
     * Rewrites the rows stored before the run's outcome was a column ({@code outcome IS NULL}): their
     * summaries are recomputed from the spans, so the outcome filter, the error rate and the list
     * agree about them. A store calls this once it is open; a database without such rows costs one
     * query.
     *
     * @return how many rows were rewritten
     */
    protected final synchronized long recomputeRowsWithoutOutcome() {
        long total = 0;
        while (true) {
            int n = inWriteTransaction("upgrade", c -> {
                List<TraceId> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT trace_id FROM traces WHERE outcome IS NULL LIMIT " + RECOMPUTE_BATCH);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(TraceId.fromBytes(rs.getBytes(1)));
                    }
                }
                Map<TraceId, List<Span>> spans = loadSpans(c, ids);
                try (PreparedStatement ps = c.prepareStatement("UPDATE traces SET outcome = ?, summary = ?,"
                        + " error_count = ?, cost_usd = ?, session_id = ?, user_id = ?, input_tokens = ?,"
                        + " output_tokens = ? WHERE trace_id = ?");
                     PreparedStatement spanless = c.prepareStatement("UPDATE traces SET outcome = CASE WHEN"
                             + " error_count > 0 THEN ? ELSE ? END WHERE trace_id = ?")) {
                    for (TraceId id : ids) {
                        List<Span> own = spans.getOrDefault(id, List.of());
                        if (own.isEmpty()) {
                            // a row without spans (a damaged file) cannot be recomputed; it must not stop the
                            // store from opening, so it gets the old rule: any error means failed
                            spanless.setString(1, RunOutcome.FAILED.label());
                            spanless.setString(2, RunOutcome.OK.label());
                            spanless.setBytes(3, id.toBytes());
                            spanless.addBatch();
                            continue;
                        }
                        TraceSummary s = assembler.summarize(id, own);
                        ps.setString(1, s.outcome().label());
                        ps.setBytes(2, SummaryCodec.encode(s));
                        ps.setInt(3, s.errorCount());
                        if (s.rollup().costUsd().isPresent()) {
                            ps.setDouble(4, s.rollup().costUsd().get());
                        } else {
                            ps.setNull(4, Types.DOUBLE);
                        }
                        bindSession(ps, 5, s);
                        ps.setBytes(9, id.toBytes());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    spanless.executeBatch();
                }
                return ids.size();
            });
            total += n;
            if (n < RECOMPUTE_BATCH) {
                break;
            }
        }
        if (total > 0) {
            statsUnknown();
        }
        return total;
    }

    /** What the core's merge reads, inside the write's transaction. */
    private StoredTraces stored(Connection c) {
        Set<TraceId> locked = new java.util.HashSet<>();
        return new StoredTraces() {
            @Override
            public Map<TraceId, Optional<TraceSummary>> summaries(Collection<TraceId> ids) {
                return unchecked(c, conn -> {
                    lock(conn, ids);
                    return loadSummaries(conn, ids);
                });
            }

            @Override
            public Map<TraceId, List<Span>> spans(Collection<TraceId> ids) {
                return unchecked(c, conn -> {
                    lock(conn, ids);
                    return loadSpans(conn, ids);
                });
            }

            private void lock(Connection conn, Collection<TraceId> ids) throws SQLException {
                List<TraceId> fresh = ids.stream().filter(locked::add).toList();
                if (!fresh.isEmpty()) {
                    lockTraces(conn, fresh);
                }
            }
        };
    }

    /** For reads inside a transaction through an interface that cannot throw SQLException; the transaction reports it. */
    private <T> T unchecked(Connection c, Work<T> work) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + describe() + ": " + rootMessage(e), e);
        }
    }

    @Override
    public synchronized void flagRegressions(Map<TraceId, Boolean> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        inWriteTransaction("write to", c -> {
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
    public final synchronized long deleteAll() {
        long count = inWriteTransaction("delete from", c -> {
            long n;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM traces");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
            deleteAllRows(c);
            return n;
        });
        allDeleted();
        forgotAll();
        return count;
    }

    /**
     * Empties {@code traces}, {@code span_chunks}, {@code llm_calls}, {@code llm_calls_backfill} and
     * {@code operations}, in {@link #deleteAll}'s transaction.
     */
    protected abstract void deleteAllRows(Connection c) throws SQLException;

    /** After {@link #deleteAll} committed. */
    protected void allDeleted() {
    }

    // ---- upkeep of the running stats and the operations shortcut, for a store's deletes

    /** After a commit deleted these traces (their summaries as they were). */
    protected final void forgotten(Collection<TraceSummary> removed) {
        if (statsLoaded) {
            removed.forEach(stats::remove);
        }
    }

    /** After a commit deleted traces whose summaries could not all be read: count again on the next read. */
    protected final void statsUnknown() {
        statsLoaded = false;
    }

    /** After a commit emptied the store. */
    private void forgotAll() {
        synchronized (knownOperations) {
            knownOperations.clear();
        }
        stats.clear();
        statsLoaded = true;
    }

    // ---- reading

    /** The stored traces among {@code ids} with their summaries; a summary that cannot be decoded is empty. */
    protected final Map<TraceId, Optional<TraceSummary>> loadSummaries(Connection c, Collection<TraceId> ids)
            throws SQLException {
        Map<TraceId, Optional<TraceSummary>> out = new HashMap<>();
        if (!ids.isEmpty()) {
            forIds(c, "SELECT trace_id, summary FROM traces WHERE trace_id", ids, rs -> {
                TraceId id = TraceId.fromBytes(rs.getBytes(1));
                out.put(id, SummaryCodec.decode(id, rs.getBytes(2)));
            });
        }
        return out;
    }

    /** The summaries of the stored traces among {@code ids}, recomputed from the spans where they cannot be decoded. */
    protected final List<TraceSummary> summariesOrRecomputed(Connection c, Collection<TraceId> ids) throws SQLException {
        List<TraceSummary> out = new ArrayList<>(ids.size());
        for (Map.Entry<TraceId, Optional<TraceSummary>> e : loadSummaries(c, ids).entrySet()) {
            out.add(e.getValue().isPresent() ? e.getValue().get() : recompute(c, e.getKey()));
        }
        return out;
    }

    protected final Map<TraceId, List<Span>> loadSpans(Connection c, Collection<TraceId> ids) throws SQLException {
        Map<TraceId, List<Span>> out = new HashMap<>();
        if (!ids.isEmpty()) {
            forIds(c, "SELECT trace_id, spans FROM span_chunks WHERE trace_id", ids, rs ->
                    out.computeIfAbsent(TraceId.fromBytes(rs.getBytes(1)), k -> new ArrayList<>())
                            .addAll(SpanCodec.decode(rs.getBytes(2))));
        }
        return out;
    }

    protected final List<Span> loadSpans(Connection c, TraceId id) throws SQLException {
        List<Span> spans = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT spans FROM span_chunks WHERE trace_id = ?")) {
            ps.setBytes(1, id.toBytes());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    spans.addAll(SpanCodec.decode(rs.getBytes(1)));
                }
            }
        }
        return spans;
    }

    /** A summary from its spans, for one stored in a format this version cannot read. */
    protected final TraceSummary recompute(Connection c, TraceId id) throws SQLException {
        return assembler.summarize(id, loadSpans(c, id));
    }

    private final TraceSearchSql.Stored searchable = new TraceSearchSql.Stored() {
        @Override
        public List<Span> spans(Connection c, TraceId id) throws SQLException {
            return loadSpans(c, id);
        }

        @Override
        public TraceSummary recompute(Connection c, TraceId id) throws SQLException {
            return JdbcTraceStore.this.recompute(c, id);
        }
    };

    /** Runs {@code search} with the store's dialect (see {@link TraceSearchSql}). */
    protected final TracePage search(Connection c, TraceSearch search, TraceSearchSql.Dialect dialect)
            throws SQLException {
        return TraceSearchSql.search(c, search, dialect, searchable);
    }

    /**
     * The trace's chunks and its summary row in one statement, so both come from one snapshot: the
     * summary a write stored counts exactly the spans it committed with it.
     */
    private static final String SPANS_AND_SUMMARY = "SELECT 0, spans FROM span_chunks WHERE trace_id = ?"
            + " UNION ALL SELECT 1, summary FROM traces WHERE trace_id = ?";

    /** The trace with its stored summary, which a write keeps current; recomputed only when it cannot be used. */
    @Override
    public Optional<Trace> findTrace(TraceId traceId) {
        return read(c -> {
            List<Span> spans = new ArrayList<>();
            Optional<TraceSummary> summary = Optional.empty();
            try (PreparedStatement ps = c.prepareStatement(SPANS_AND_SUMMARY)) {
                byte[] id = traceId.toBytes();
                ps.setBytes(1, id);
                ps.setBytes(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getInt(1) == 0) {
                            spans.addAll(SpanCodec.decode(rs.getBytes(2)));
                        } else {
                            summary = SummaryCodec.decode(traceId, rs.getBytes(2));
                        }
                    }
                }
            }
            return spans.isEmpty() ? Optional.empty() : Optional.of(assembler.assemble(traceId, spans, summary));
        });
    }

    @Override
    public List<TraceSummary> findSummaries(Collection<TraceId> traceIds) {
        return traceIds.isEmpty() ? List.of() : read(c -> summariesOrRecomputed(c, traceIds));
    }

    @Override
    public Map<TraceId, Map<String, Integer>> spanNameCounts(Collection<TraceId> traceIds) {
        if (traceIds.isEmpty()) {
            return Map.of();
        }
        return read(c -> {
            Map<TraceId, Map<String, Integer>> out = new HashMap<>();
            forIds(c, "SELECT trace_id, spans FROM span_chunks WHERE trace_id", traceIds, rs ->
                    SpanCodec.countNames(rs.getBytes(2),
                            out.computeIfAbsent(TraceId.fromBytes(rs.getBytes(1)), k -> new HashMap<>())));
            return out;
        });
    }

    @Override
    public LlmCallPage llmCalls(LlmCallSearch search) {
        return read(c -> LlmCallSql.page(c, search, steersPlanner()));
    }

    /** Whether the LLM calls query must tell the planner which index to walk (SQLite keeps no statistics). */
    protected boolean steersPlanner() {
        return false;
    }

    @Override
    public LlmCallTotals llmCallTotals(LlmCallSearch search) {
        return read(c -> LlmCallSql.totals(c, search));
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
        readStreaming(c -> {
            scan(c, "SELECT trace_id, summary FROM traces", null, stats::add);
            return null;
        });
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
        readStreaming(c -> {
            scan(c, "SELECT trace_id, summary FROM traces WHERE start_ns >= ?", fromUnixNano, sink);
            return null;
        });
    }

    /** Streams the rows ({@code trace_id, summary}) in pages, so no scan sits in memory whole. */
    protected final void scan(Connection c, String sql, Long arg, Consumer<TraceSummary> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1000);
            if (arg != null) {
                ps.setLong(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TraceId id = TraceId.fromBytes(rs.getBytes(1));
                    Optional<TraceSummary> s = SummaryCodec.decode(id, rs.getBytes(2));
                    sink.accept(s.isPresent() ? s.get() : recompute(c, id));
                }
            }
        }
    }

    // ---- sessions

    @Override
    public SessionPage sessions(SessionSearch search) {
        return read(c -> SessionSql.search(c, search));
    }

    @Override
    public Optional<SessionSummary> session(String sessionId) {
        return read(c -> SessionSql.one(c, sessionId));
    }

    @Override
    public List<TraceSummary> sessionTraces(String sessionId, int limit) {
        return read(c -> {
            List<TraceSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, summary FROM traces WHERE session_id = ?"
                    + " ORDER BY start_ns, trace_id LIMIT ?")) {
                ps.setString(1, sessionId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TraceId id = TraceId.fromBytes(rs.getBytes(1));
                        Optional<TraceSummary> s = SummaryCodec.decode(id, rs.getBytes(2));
                        out.add(s.isPresent() ? s.get() : recompute(c, id));
                    }
                }
            }
            return out;
        });
    }

    // ---- feedback

    @Override
    public final synchronized Optional<Feedback> addFeedback(NewFeedback feedback, long createdAtUnixNano) {
        return inWriteTransaction("write to", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM traces WHERE trace_id = ?")) {
                ps.setBytes(1, feedback.traceId().toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(feedback.stored(FeedbackSql.insert(c, feedback, createdAtUnixNano), createdAtUnixNano));
        });
    }

    @Override
    public final synchronized void addEvaluations(List<NewFeedback> evaluations, long arrivedUnixNano) {
        if (!evaluations.isEmpty()) {
            inWriteTransaction("write to", c -> {
                FeedbackSql.insertOnce(c, evaluations, arrivedUnixNano);
                return null;
            });
        }
    }

    /**
     * Deletes feedback that arrived before {@code arrivedBeforeUnixNano} for a trace that is not
     * stored (an evaluation log whose spans never came, or went); for a store's retention.
     */
    protected static void deleteUnclaimedFeedback(Connection c, long arrivedBeforeUnixNano) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM feedback WHERE created_ns < ? AND NOT EXISTS"
                + " (SELECT 1 FROM traces t WHERE t.trace_id = feedback.trace_id)")) {
            ps.setLong(1, arrivedBeforeUnixNano);
            ps.executeUpdate();
        }
    }

    @Override
    public final synchronized boolean deleteFeedback(TraceId traceId, long feedbackId) {
        return inWriteTransaction("delete from", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM feedback WHERE trace_id = ? AND feedback_id = ?")) {
                ps.setBytes(1, traceId.toBytes());
                ps.setLong(2, feedbackId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Map<TraceId, List<Feedback>> feedback(Collection<TraceId> traceIds) {
        if (traceIds.isEmpty()) {
            return Map.of();
        }
        return read(c -> {
            Map<TraceId, List<Feedback>> out = new HashMap<>();
            forIds(c, "SELECT " + FeedbackSql.COLUMNS + " FROM feedback WHERE trace_id", traceIds, rs -> {
                Feedback f = FeedbackSql.read(rs);
                out.computeIfAbsent(f.traceId(), k -> new ArrayList<>()).add(f);
            });
            out.values().forEach(list -> list.sort(java.util.Comparator.comparingLong(Feedback::id)));
            return out;
        });
    }

    /** The innermost cause's message, first line only (a server's message may carry DETAIL and HINT lines). */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg.trim() : msg.substring(0, nl).trim();
    }
}
