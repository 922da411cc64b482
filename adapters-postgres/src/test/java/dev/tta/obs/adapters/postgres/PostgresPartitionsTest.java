package dev.tta.obs.adapters.postgres;

import dev.tta.obs.adapters.jdbc.RunningStats;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.service.TraceIngest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.tta.obs.ports.contract.Fixtures.span;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/** span_chunks partitioned by arrival day (V9): retention by dropping days, and the upgrade of a populated database. */
class PostgresPartitionsTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);
    private static final long DAY = 86_400_000_000_000L;
    /** A day far ahead of the migration's, so these days get partitions of their own. */
    private static final long DAY_1 = 30_000 * DAY;
    private static final LocalDate ANY_DAY = LocalDate.of(2026, 1, 1);
    private static TestPostgres server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestPostgres.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static PostgresTraceStore open(String url) {
        return PostgresTraceStore.open(url, Optional.empty(), Optional.empty(), ASSEMBLER);
    }

    private static void arrive(PostgresTraceStore store, long arrivedUnixNano, List<Span> spans) {
        TraceIngest.of(store, ASSEMBLER, () -> arrivedUnixNano).append(List.of(new SpanBatch(spans)));
    }

    private static List<String> partitions(String url) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                     + " WHERE i.inhparent = 'span_chunks'::regclass ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static TraceStats scanned(PostgresTraceStore store) {
        RunningStats all = new RunningStats();
        store.scanSummaries(Long.MIN_VALUE, all::add);
        return all.snapshot(ANY_DAY);
    }

    @Test
    void theFirstWriteOfADay_mergesTheEarlierDaysPendingSearchEntries() throws Exception {
        String url = server.freshSchemaUrl();
        try (PostgresTraceStore store = open(url)) {
            arrive(store, DAY_1 + 1, Fixtures.trace(1, 5, "day-1"));
            int d1 = (int) (DAY_1 / DAY);
            // fastupdate: day 1's entries wait in its GIN indexes' pending lists...
            assertThat(pendingPages(url, d1)).isPositive();
            arrive(store, DAY_1 + 2, Fixtures.trace(2, 5, "day-1-again"));
            arrive(store, DAY_1 + DAY, Fixtures.trace(3, 5, "day-2"));
            // ...until day 2 begins, when nothing would merge them any more
            assertThat(pendingPages(url, d1)).isZero();
            assertThat(store.search(TraceSearch.builder().spanName("day-1-again").build()).traces())
                    .extracting(s -> s.traceId()).containsExactly(traceId(2));
        }
    }

    @Test
    void aDaysPartitionAndTheTraces_areAnalyzedAsTheyGrow_soSearchesArePlannedForWhatTheyHold() throws Exception {
        String url = server.freshSchemaUrl();
        int traces = 3_000;
        try (PostgresTraceStore store = open(url)) {
            for (int from = 0; from < traces; from += 500) {
                List<Span> spans = new ArrayList<>();
                for (int t = from; t < from + 500; t++) {
                    spans.addAll(Fixtures.trace(t, 1, "root-" + t));
                }
                arrive(store, DAY_1 + from + 1, spans);
            }
            String day = "span_chunks_d" + (int) (DAY_1 / DAY);
            // autovacuum's rounds are a minute apart; the store's own ANALYZE comes within seconds
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!(analyzed(url, "traces") && analyzed(url, day)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(analyzed(url, "traces")).isTrue();
            assertThat(analyzed(url, day)).isTrue();
            // without statistics the planner takes a trace id to match a two-hundredth of the
            // chunks (15 here), and joins a word's chunks with every trace instead of looking each up
            assertThat(estimatedRows(url, "SELECT 1 FROM " + day + " WHERE trace_id = '\\x" + traceId(7).hex() + "'"))
                    .isLessThanOrEqualTo(2);
            assertThat(store.search(TraceSearch.builder().rootName("root-7").build()).traces())
                    .extracting(s -> s.traceId()).containsExactly(traceId(7));
        }
    }

    /** Whether an ANALYZE other than autovacuum's has run on the table of the URL's schema. */
    private static boolean analyzed(String url, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables"
                     + " WHERE schemaname = current_schema() AND relname = '" + table + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static double estimatedRows(String url, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN (FORMAT JSON) " + query)) {
            rs.next();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Plan Rows\": ([0-9.]+)").matcher(rs.getString(1));
            assertThat(m.find()).isTrue();
            return Double.parseDouble(m.group(1));
        }
    }

    /** The pending-list pages of the day's GIN indexes (merging them: the count is right only once). */
    private static long pendingPages(String url, int day) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(gin_clean_pending_list(x.indexrelid)), 0)"
                     + " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam"
                     + " WHERE x.indrelid = 'span_chunks_d" + day + "'::regclass AND a.amname = 'gin'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void retention_dropsTheDaysThatExpired_andKeepsTheEarlySpansOfATraceThatLivesOn() throws Exception {
        String url = server.freshSchemaUrl();
        try (PostgresTraceStore store = open(url)) {
            arrive(store, DAY_1 + 1, Fixtures.trace(1, 2, "lives-on"));
            arrive(store, DAY_1 + 2, Fixtures.trace(2, 2, "day-1"));
            arrive(store, DAY_1 + DAY, Fixtures.trace(3, 3, "day-2"));
            // trace 1 gets one more span on day 3: it arrived last on day 3, so it stays
            arrive(store, DAY_1 + 2 * DAY + 5, List.of(span(1, 7, 0, "late-tool").build()));
            arrive(store, DAY_1 + 2 * DAY + 6, Fixtures.trace(4, 2, "day-3"));
            int d1 = (int) (DAY_1 / DAY);
            assertThat(partitions(url)).contains("span_chunks_d" + d1, "span_chunks_d" + (d1 + 1),
                    "span_chunks_d" + (d1 + 2));

            long evicted = store.evict(Long.MAX_VALUE, Optional.of(DAY_1 + 2 * DAY), 100);

            assertThat(evicted).isEqualTo(2);
            assertThat(partitions(url)).doesNotContain("span_chunks_d" + d1, "span_chunks_d" + (d1 + 1))
                    .contains("span_chunks_d" + (d1 + 2));
            assertThat(store.findTrace(traceId(2))).isEmpty();
            assertThat(store.findTrace(traceId(3))).isEmpty();
            dev.tta.obs.domain.Trace livesOn = store.findTrace(traceId(1)).orElseThrow();
            assertThat(livesOn.spans()).extracting(Span::name)
                    .containsExactlyInAnyOrder("lives-on", "step-1", "late-tool");
            // its moved chunks are still the spans its stored summary counts
            assertThat(livesOn.summary()).isEqualTo(ASSEMBLER.summarize(traceId(1), livesOn.spans()))
                    .isEqualTo(store.findSummaries(List.of(traceId(1))).get(0));
            // the moved chunks are still found by search
            assertThat(store.search(TraceSearch.builder().spanName("step-1").build()).traces())
                    .extracting(s -> s.traceId()).containsExactlyInAnyOrder(traceId(1), traceId(4));
            assertThat(store.stats(ANY_DAY).traceCount()).isEqualTo(2);
            assertThat(store.stats(ANY_DAY).p50Ms()).isEqualTo(scanned(store).p50Ms());

            // a later pass evicts trace 1 with the day its chunks moved to
            assertThat(store.evict(Long.MAX_VALUE, Optional.of(DAY_1 + 3 * DAY), 100)).isEqualTo(2);
            assertThat(store.traceCount()).isZero();
            assertThat(partitions(url)).noneMatch(n -> n.startsWith("span_chunks_d"));
            // and a write on a dropped day makes its partition again
            arrive(store, DAY_1 + 3, Fixtures.trace(5, 2, "late-import"));
            assertThat(store.findTrace(traceId(5))).isPresent();
        }
    }

    @Test
    void aDatabaseStoredBeforePartitions_isUpgradedInPlace_andItsOldChunksExpireAsOneLegacyPartition() throws Exception {
        String source = server.freshSchemaUrl();
        try (PostgresTraceStore store = open(source)) {
            for (int t = 1; t <= 5; t++) {
                arrive(store, System.currentTimeMillis() * 1_000_000L - 3 * DAY, Fixtures.trace(t, 3, "old-" + t));
            }
        }
        // a database as V8 left it, holding those traces
        String old = server.freshSchemaUrl();
        Flyway.configure().dataSource(old, null, null).locations("classpath:db/migration/postgresql").target("8")
                .load().migrate();
        String from = schema(source);
        try (Connection c = DriverManager.getConnection(old); Statement st = c.createStatement()) {
            String columns = "trace_id, start_ns, end_ns, duration_ns, service_name, root_name, span_count,"
                    + " error_count, cost_usd, regression, summary, updated_ns, outcome";
            st.executeUpdate("INSERT INTO traces (" + columns + ") SELECT " + columns + " FROM " + from + ".traces");
            st.executeUpdate("INSERT INTO operations SELECT * FROM " + from + ".operations");
            // before V12 the exact terms were lexemes of the tsvector: '=' and 16 hex digits
            st.executeUpdate("INSERT INTO span_chunks (trace_id, span_count, spans, terms)"
                    + " SELECT trace_id, span_count, spans, terms || array_to_tsvector(ARRAY(SELECT '=' ||"
                    + " lpad(to_hex(e), 16, '0') FROM unnest(exact) AS e)) FROM " + from + ".span_chunks");
            st.executeUpdate("INSERT INTO stats_durations SELECT * FROM " + from + ".stats_durations");
            st.executeUpdate("UPDATE stats_state SET built = true");
        }

        try (PostgresTraceStore upgraded = open(old)) {
            assertThat(partitions(old)).containsExactly("span_chunks_legacy");
            // the exact terms are back in their own column, as hashes, and only words in the tsvector
            try (Connection c = DriverManager.getConnection(old); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE u.exact @> s.exact"
                         + " AND s.exact @> u.exact AND u.terms = s.terms AND cardinality(u.exact) > 0)"
                         + " FROM span_chunks u JOIN " + from + ".span_chunks s USING (trace_id)")) {
                rs.next();
                assertThat(rs.getInt(2)).isEqualTo(rs.getInt(1)).isEqualTo(5);
            }
            assertThat(upgraded.traceCount()).isEqualTo(5);
            assertThat(upgraded.findTrace(traceId(3)).orElseThrow().spans()).hasSize(3);
            assertThat(upgraded.search(TraceSearch.builder().spanName("old-4").build()).traces())
                    .extracting(s -> s.traceId()).containsExactly(traceId(4));
            assertThat(upgraded.search(TraceSearch.builder().text("old").build()).traces()).hasSize(5);
            assertThat(upgraded.stats(ANY_DAY).traceCount()).isEqualTo(5);

            long now = System.currentTimeMillis() * 1_000_000L;
            arrive(upgraded, now, Fixtures.trace(6, 2, "new"));
            assertThat(partitions(old)).hasSize(2);
            // a search tests old traces' chunks in the legacy partition and new ones' in their day's
            assertThat(upgraded.search(TraceSearch.builder().spanName("step-1").build()).traces())
                    .extracting(s -> s.traceId()).containsExactlyInAnyOrder(traceId(1), traceId(2), traceId(3),
                            traceId(4), traceId(5), traceId(6));
            // once every trace in it has expired, the legacy partition goes whole
            assertThat(upgraded.evict(Long.MAX_VALUE, Optional.of(now + 2 * DAY), 100)).isEqualTo(6);
            assertThat(partitions(old)).doesNotContain("span_chunks_legacy");
            assertThat(upgraded.stats(ANY_DAY).traceCount()).isZero();
        }
    }

    private static String schema(String url) {
        return url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    }
}
