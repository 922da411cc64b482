package dev.tta.obs.adapters.postgres;

import dev.tta.obs.adapters.jdbc.RunningStats;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.contract.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.tta.obs.ports.contract.Fixtures.span;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Several stores (as several tta-obs nodes have) on one PostgreSQL database. */
class PostgresNodesTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);
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

    private static void append(PostgresTraceStore store, List<Span> spans) {
        Fixtures.ingestInto(store, ASSEMBLER).append(List.of(new SpanBatch(spans)));
    }

    /** What the stats must be: computed from every stored summary, as a single process would. */
    private static TraceStats scanned(PostgresTraceStore store, LocalDate day) {
        RunningStats all = new RunningStats();
        store.scanSummaries(Long.MIN_VALUE, all::add);
        return all.snapshot(day);
    }

    private static void assertSameStats(TraceStats actual, TraceStats expected) {
        assertThat(actual.traceCount()).isEqualTo(expected.traceCount());
        assertThat(actual.p50Ms()).isEqualTo(expected.p50Ms());
        assertThat(actual.p99Ms()).isEqualTo(expected.p99Ms());
        assertThat(actual.errorRate()).isEqualTo(expected.errorRate());
        assertThat(actual.recoveryRate()).isEqualTo(expected.recoveryRate());
        // sums added in another order differ in the last bits
        assertThat(actual.avgDurationMs()).isCloseTo(expected.avgDurationMs(), within(1e-6));
    }

    @Test
    void nodesStartingTogether_migrateOnce_andAllOpen() throws Exception {
        String url = server.freshSchemaUrl();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PostgresTraceStore>> opening = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opening.add(pool.submit(() -> {
                go.await();
                return open(url);
            }));
        }
        go.countDown();
        List<PostgresTraceStore> stores = new ArrayList<>();
        try {
            for (Future<PostgresTraceStore> f : opening) {
                stores.add(f.get(60, TimeUnit.SECONDS));
            }
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version, count(*) FROM flyway_schema_history"
                         + " WHERE success AND version IS NOT NULL GROUP BY version HAVING count(*) > 1")) {
                assertThat(rs.next()).as("a migration applied twice").isFalse();
            }
            append(stores.get(0), Fixtures.trace(1, 3, "first"));
            assertThat(stores.get(2).findTrace(traceId(1))).isPresent();
        } finally {
            stores.forEach(PostgresTraceStore::close);
            pool.shutdownNow();
        }
    }

    @Test
    void twoWritersOfOneDatabase_giveTheSameStats_whichCountEveryTraceOnce() throws Exception {
        String url = server.freshSchemaUrl();
        try (PostgresTraceStore a = open(url); PostgresTraceStore b = open(url)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> writers = new ArrayList<>();
            for (PostgresTraceStore node : List.of(a, b)) {
                boolean first = node == a;
                writers.add(pool.submit(() -> {
                    for (int t = 1; t <= 40; t++) {
                        // every trace gets spans from both nodes at about the same time: each node's write
                        // must merge with the other's, so the trace is counted once with all its spans
                        List<Span> spans = new ArrayList<>();
                        if (first) {
                            spans.add(span(t, 0, null, "run-" + t).end(Fixtures.T0 + t * 1000 * Fixtures.MS + (20 + t * 7) * Fixtures.MS).build());
                        } else {
                            spans.add(span(t, 1, 0, "tool").status(t % 3 == 0 ? StatusCode.ERROR : StatusCode.UNSET,
                                    "").build());
                        }
                        append(node, spans);
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdownNow();

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            assertThat(a.traceCount()).isEqualTo(40);
            assertThat(b.findTrace(traceId(7)).orElseThrow().spans()).hasSize(2);
            TraceStats expected = scanned(a, today);
            assertThat(expected.traceCount()).isEqualTo(40);
            assertSameStats(a.stats(today), expected);
            assertThat(b.stats(today)).isEqualTo(a.stats(today));

            assertThat(a.deleteTrace(traceId(3))).isTrue();
            b.evict(30, Optional.empty(), 100);
            assertSameStats(b.stats(today), scanned(b, today));
            assertThat(a.stats(today).traceCount()).isEqualTo(30);
            b.deleteAll();
            assertThat(a.stats(today)).isEqualTo(TraceStats.EMPTY);
        }
    }

    @Test
    void statsOfADatabaseFromBeforeTheRollups_areBuiltWhenItOpens() throws Exception {
        String url = server.freshSchemaUrl();
        try (PostgresTraceStore first = open(url)) {
            for (int t = 1; t <= 5; t++) {
                append(first, Fixtures.trace(t, 2, "run"));
            }
        }
        // what a database migrated to V8 holds before any store opened it: empty rollups, not built
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM stats_durations");
            st.executeUpdate("UPDATE stats_state SET built = false");
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (PostgresTraceStore reopened = open(url)) {
            assertThat(reopened.stats(today).traceCount()).isEqualTo(5);
            assertSameStats(reopened.stats(today), scanned(reopened, today));
        }
    }

    @Test
    void everyNodeHearsEveryCommit_alsoAfterItsConnectionDropped() throws Exception {
        String url = server.freshSchemaUrl();
        try (PostgresTraceStore a = open(url); PostgresTraceStore b = open(url)) {
            Set<TraceId> heard = ConcurrentHashMap.newKeySet();
            try (ChangeListener listening = (ChangeListener) b.listen(heard::addAll)) {
                awaitTrue(() -> listening.connections() == 1);
                append(a, Fixtures.trace(1, 2, "from-a"));
                awaitTrue(() -> heard.contains(traceId(1)));

                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()").close();
                }
                // committed while b is not listening: b hears of it once it is back
                append(a, Fixtures.trace(2, 2, "while-away"));
                awaitTrue(() -> listening.connections() == 2);
                awaitTrue(() -> heard.contains(traceId(2)));
                append(a, Fixtures.trace(3, 2, "after"));
                awaitTrue(() -> heard.contains(traceId(3)));
            }
        }
    }

    @Test
    void retention_isRunByOneNodeAtATime() throws Exception {
        String url = server.freshSchemaUrl();
        try (PostgresTraceStore store = open(url)) {
            for (int t = 1; t <= 4; t++) {
                append(store, Fixtures.trace(t, 1, "run"));
            }
            try (Connection otherNode = DriverManager.getConnection(url);
                 PreparedStatement ps = otherNode.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, PostgresTraceStore.RETENTION_LOCK);
                ps.executeQuery().close();
                assertThat(store.evict(1, Optional.empty(), 100)).as("while another node evicts").isZero();
                assertThat(store.traceCount()).isEqualTo(4);
                // released now, not when the server gets round to ending the closed session
                try (PreparedStatement unlock = otherNode.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, PostgresTraceStore.RETENTION_LOCK);
                    unlock.executeQuery().close();
                }
            }
            assertThat(store.evict(1, Optional.empty(), 100)).isEqualTo(3);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
