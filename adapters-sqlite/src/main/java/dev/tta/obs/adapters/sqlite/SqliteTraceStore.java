package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.SpanCodec;
import dev.tta.obs.adapters.jdbc.SummaryCodec;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.in.TraceCursor;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceStore;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

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
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();

    private SqliteTraceStore(Path file, TraceAssembler assembler) throws SQLException {
        this.file = file;
        this.assembler = assembler;
        this.writer = connect(false);
        this.writer.setAutoCommit(false);
        this.readers = new ArrayBlockingQueue<>(READERS);
        for (int i = 0; i < READERS; i++) {
            Connection c = connect(true);
            allReaders.add(c);
            readers.add(c);
        }
    }

    /**
     * Opens (creating if needed) the database file and brings its schema up to date.
     *
     * @throws StoreUnavailableException with a message naming the file when it cannot be opened
     */
    public static SqliteTraceStore open(Path file, TraceAssembler assembler) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SQLiteDataSource ds = new SQLiteDataSource(config(false));
            ds.setUrl(url(file));
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/sqlite")
                    .load()
                    .migrate();
            return new SqliteTraceStore(file, assembler);
        } catch (Exception e) {
            throw new StoreUnavailableException("cannot open SQLite database " + file + ": " + rootMessage(e), e);
        }
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    private static SQLiteConfig config(boolean readOnly) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode: a commit survives the process being killed; only an OS crash or power
        // cut can lose the last commits. FULL would fsync on every commit and halve ingest.
        c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        c.setBusyTimeout(10_000);
        c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        c.setCacheSize(-64_000);
        c.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(256L * 1024 * 1024));
        c.setReadOnly(readOnly);
        return c;
    }

    private Connection connect(boolean readOnly) throws SQLException {
        return config(readOnly).createConnection(url(file));
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
    public synchronized void append(List<SpanBatch> batches) {
        // sorted by trace id so the b-tree inserts of one commit walk the index in order
        Map<TraceId, List<Span>> byTrace = new TreeMap<>();
        for (SpanBatch batch : batches) {
            for (Span span : batch.spans()) {
                byTrace.computeIfAbsent(span.traceId(), k -> new ArrayList<>()).add(span);
            }
        }
        if (byTrace.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        try (PreparedStatement exists = writer.prepareStatement("SELECT 1 FROM traces WHERE trace_id = ?");
             PreparedStatement loadChunks = writer.prepareStatement("SELECT spans FROM span_chunks WHERE trace_id = ?");
             PreparedStatement insertChunk = writer.prepareStatement(
                     "INSERT INTO span_chunks (trace_id, span_count, spans) VALUES (?, ?, ?)");
             PreparedStatement upsertTrace = writer.prepareStatement(
                     "INSERT OR REPLACE INTO traces (trace_id, start_ns, end_ns, duration_ns, service_name, root_name,"
                             + " span_count, error_count, summary, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<TraceId, List<Span>> entry : byTrace.entrySet()) {
                TraceId traceId = entry.getKey();
                byte[] id = traceId.toBytes();
                List<Span> incoming = TraceAssembler.distinct(entry.getValue());
                List<Span> all;
                exists.setBytes(1, id);
                boolean known;
                try (ResultSet rs = exists.executeQuery()) {
                    known = rs.next();
                }
                List<Span> fresh;
                if (!known) {
                    fresh = incoming;
                    all = incoming;
                } else {
                    List<Span> stored = loadSpans(loadChunks, id);
                    Set<SpanId> storedIds = new HashSet<>();
                    for (Span s : stored) {
                        storedIds.add(s.spanId());
                    }
                    fresh = new ArrayList<>();
                    for (Span s : incoming) {
                        if (!storedIds.contains(s.spanId())) {
                            fresh.add(s);
                        }
                    }
                    if (fresh.isEmpty()) {
                        continue;
                    }
                    all = new ArrayList<>(stored);
                    all.addAll(fresh);
                }
                insertChunk.setBytes(1, id);
                insertChunk.setInt(2, fresh.size());
                insertChunk.setBytes(3, SpanCodec.encode(fresh));
                insertChunk.addBatch();
                TraceSummary summary = assembler.summarize(traceId, all);
                upsertTrace.setBytes(1, id);
                upsertTrace.setLong(2, summary.startTimeUnixNano());
                upsertTrace.setLong(3, summary.endTimeUnixNano());
                upsertTrace.setLong(4, summary.durationNanos());
                upsertTrace.setString(5, summary.serviceName());
                upsertTrace.setString(6, summary.rootName());
                upsertTrace.setInt(7, summary.spanCount());
                upsertTrace.setInt(8, summary.errorCount());
                upsertTrace.setBytes(9, SummaryCodec.encode(summary));
                upsertTrace.setLong(10, now);
                upsertTrace.addBatch();
            }
            insertChunk.executeBatch();
            upsertTrace.executeBatch();
            writer.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                writer.rollback();
            } catch (SQLException ignored) {
                // the connection is already broken; the original error says why
            }
            throw new StoreUnavailableException("could not write to " + file + ": " + rootMessage(e), e);
        }
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
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a database connection", e);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + file + ": " + rootMessage(e), e);
        } finally {
            readers.add(c);
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

    @Override
    public TracePage search(TraceSearch search) {
        StringBuilder sql = new StringBuilder("SELECT trace_id, start_ns, summary FROM traces WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        search.serviceName().ifPresent(s -> {
            sql.append(" AND service_name = ?");
            args.add(s);
        });
        search.text().ifPresent(t -> {
            sql.append(" AND (root_name LIKE ? ESCAPE '\\' OR service_name LIKE ? ESCAPE '\\')");
            String like = "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(like);
            args.add(like);
        });
        search.startFromUnixNano().ifPresent(v -> {
            sql.append(" AND start_ns >= ?");
            args.add(v);
        });
        search.startToUnixNano().ifPresent(v -> {
            sql.append(" AND start_ns <= ?");
            args.add(v);
        });
        if (search.errorsOnly()) {
            sql.append(" AND error_count > 0");
        }
        search.cursor().ifPresent(cur -> {
            sql.append(" AND (start_ns < ? OR (start_ns = ? AND trace_id < ?))");
            args.add(cur.startTimeUnixNano());
            args.add(cur.startTimeUnixNano());
            args.add(cur.traceId().toBytes());
        });
        sql.append(" ORDER BY start_ns DESC, trace_id DESC LIMIT ?");
        args.add(search.limit() + 1);
        return read(c -> {
            List<TraceSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TraceId id = TraceId.fromBytes(rs.getBytes(1));
                        Optional<TraceSummary> s = SummaryCodec.decode(id, rs.getBytes(3));
                        out.add(s.orElseGet(() -> recompute(c, id)));
                    }
                }
            }
            Optional<TraceCursor> next = Optional.empty();
            if (out.size() > search.limit()) {
                out = new ArrayList<>(out.subList(0, search.limit()));
                TraceSummary last = out.get(out.size() - 1);
                next = Optional.of(new TraceCursor(last.startTimeUnixNano(), last.traceId()));
            }
            return new TracePage(out, next);
        });
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

    @Override
    public synchronized void close() {
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
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing; nothing left to do with a failure
        }
    }
}
