package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.contract.SessionsAndFeedbackContract;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteTraceStoreTest extends SessionsAndFeedbackContract {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);
    private final AtomicInteger files = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected TraceStore<?> newStore() {
        return SqliteTraceStore.open(dir.resolve("db-" + files.incrementAndGet() + ".sqlite"), ASSEMBLER);
    }

    @Test
    void aStoredSummaryThatCannotBeUsed_isComputedFromTheSpans() throws Exception {
        Path file = dir.resolve("stale.sqlite");
        dev.tta.obs.ports.contract.UnusableSummaryRows.openWithSummariesComputedFromTheirSpans(
                () -> SqliteTraceStore.open(file, ASSEMBLER), "jdbc:sqlite:" + file, ASSEMBLER);
    }

    @Test
    void data_survivesReopeningTheFile() {
        Path file = dir.resolve("reopen.sqlite");
        dev.tta.obs.domain.feedback.Feedback given;
        try (TraceStore<?> first = SqliteTraceStore.open(file, ASSEMBLER)) {
            appendTrace(first, 1, 3, "persisted");
            given = first.addFeedback(dev.tta.obs.domain.feedback.NewFeedback.of(Fixtures.traceId(1),
                    java.util.Optional.empty(), "thumbs", java.util.Optional.of(0.0), java.util.Optional.empty(),
                    java.util.Optional.of("wrong"), java.util.Optional.empty()), 7L).orElseThrow();
        }
        try (TraceStore<?> second = SqliteTraceStore.open(file, ASSEMBLER)) {
            assertThat(second.findTrace(Fixtures.traceId(1)).orElseThrow().spans()).hasSize(3);
            assertThat(second.feedback(java.util.List.of(Fixtures.traceId(1))).get(Fixtures.traceId(1)))
                    .containsExactly(given);
        }
    }

    @Test
    void rowsStoredBeforeTheSessionColumns_joinTheirSessionOnOpen() throws Exception {
        Path file = dir.resolve("before-sessions.sqlite");
        try (SqliteTraceStore store = SqliteTraceStore.open(file, ASSEMBLER)) {
            Fixtures.ingestInto(store).append(java.util.List.of(new dev.tta.obs.domain.SpanBatch(java.util.List.of(
                    Fixtures.span(1, 0, null, "turn").attributes(dev.tta.obs.domain.Attributes.builder()
                            .put("session.id", "conv-1").put("user.id", "ann").build()).build()))));
        }
        // what V12 leaves of a row written before it: no session columns, marked for recomputing
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE traces SET outcome = NULL, session_id = NULL, user_id = NULL, summary = X'03'");
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.open(file, ASSEMBLER)) {
            assertThat(reopened.session("conv-1")).hasValueSatisfying(s -> {
                assertThat(s.userId()).contains("ann");
                assertThat(s.traceCount()).isEqualTo(1);
            });
        }
    }

    @Test
    void rowsStoredBeforeTheOutcomeColumn_areRecomputedFromTheirSpansOnOpen() throws Exception {
        Path file = dir.resolve("old-rows.sqlite");
        try (SqliteTraceStore store = SqliteTraceStore.open(file, ASSEMBLER)) {
            Fixtures.ingestInto(store).append(java.util.List.of(new dev.tta.obs.domain.SpanBatch(java.util.List.of(
                    Fixtures.span(1, 0, null, "recovered-run").build(),
                    Fixtures.span(1, 1, 0, "attempt-1").status(dev.tta.obs.domain.StatusCode.ERROR, "429").build()))));
        }
        // what a database written before the column holds: no outcome, a version 2 summary blob; and
        // a damaged row whose spans are gone, which must not keep the store from opening
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE traces SET outcome = NULL, summary = X'02'");
            st.executeUpdate("INSERT INTO traces (trace_id, start_ns, end_ns, duration_ns, service_name, root_name,"
                    + " span_count, error_count, summary, updated_ns) VALUES (X'00000000000000000000000000000999',"
                    + " 0, 0, 0, 's', 'spanless', 1, 1, X'02', 0)");
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.open(file, ASSEMBLER)) {
            var recovered = dev.tta.obs.domain.query.TraceSearch.builder()
                    .outcome(dev.tta.obs.domain.RunOutcome.RECOVERED).build();
            assertThat(reopened.search(recovered).traces()).singleElement()
                    .satisfies(s -> assertThat(s.rootName()).isEqualTo("recovered-run"));
            assertThat(reopened.search(dev.tta.obs.domain.query.TraceSearch.builder()
                    .outcome(dev.tta.obs.domain.RunOutcome.OK).build()).traces()).isEmpty();
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT outcome, substr(summary, 1, 1) FROM traces"
                     + " ORDER BY root_name")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("recovered");
            assertThat(rs.getBytes(2)).containsExactly(4);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the spanless row, by its error count").isEqualTo("failed");
        }
    }

    @Test
    void tracesStoredBeforeTheLlmCallsTable_getTheirCallsOnOpen() throws Exception {
        Path file = dir.resolve("before-llm-calls.sqlite");
        TraceAssembler pricing = new TraceAssembler(new dev.tta.obs.domain.workflow.WorkflowRollups(
                dev.tta.obs.domain.cost.PriceTable.bundled()));
        try (SqliteTraceStore store = SqliteTraceStore.open(file, pricing)) {
            Fixtures.ingestInto(store, pricing).append(java.util.List.of(new dev.tta.obs.domain.SpanBatch(java.util.List.of(
                    Fixtures.span(1, 0, null, "answer").build(),
                    Fixtures.span(1, 1, 0, "chat").attributes(dev.tta.obs.domain.Attributes.builder()
                            .put("gen_ai.request.model", "gpt-4o").put("gen_ai.usage.input_tokens", 100L)
                            .put("gen_ai.usage.output_tokens", 10L).build()).build()))));
        }
        // the file as the version before V14 left it: no table, and V14 not in the history
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("DROP TABLE llm_calls");
            st.executeUpdate("DROP TABLE llm_calls_backfill");
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '14'");
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.open(file, pricing)) {
            var calls = reopened.llmCalls(dev.tta.obs.domain.query.LlmCallSearch.builder().build()).calls();
            assertThat(calls).singleElement().satisfies(c -> {
                assertThat(c.spanId()).isEqualTo(Fixtures.spanId(1));
                assertThat(c.totalTokens()).isEqualTo(110);
                assertThat(c.workflowName()).isEqualTo("answer");
            });
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM llm_calls_backfill")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing left to backfill").isZero();
        }
    }

    @Test
    void searchRowsNotYetWrittenAtACrash_areWrittenOnTheNextStart() throws Exception {
        Path file = dir.resolve("crash.sqlite");
        Path copy = dir.resolve("after-crash");
        Files.createDirectories(copy);
        try (SqliteTraceStore store = SqliteTraceStore.open(file, ASSEMBLER, java.util.concurrent.TimeUnit.HOURS.toNanos(1))) {
            appendTrace(store, 1, 3, "indexed-before");
            assertThat(names(store, "indexed-before")).containsExactly("indexed-before");
            appendTrace(store, 2, 3, "pending-at-crash");
            // what a SIGKILL leaves: the committed file and WAL, with the second chunk's search row unwritten
            for (String name : java.util.List.of("crash.sqlite", "crash.sqlite-wal", "crash-search.sqlite",
                    "crash-search.sqlite-wal")) {
                Files.copy(dir.resolve(name), copy.resolve(name));
            }
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.open(copy.resolve("crash.sqlite"), ASSEMBLER)) {
            assertThat(names(reopened, "pending-at-crash")).containsExactly("pending-at-crash");
            assertThat(names(reopened, "indexed-before")).containsExactly("indexed-before");
            assertThat(names(reopened, "step")).hasSize(2);
        }
    }

    /**
     * Pages of the index file overwritten (the first one kept, so the file still opens): a term
     * search finds the damage, is answered "being rebuilt" naming the index file, and once rebuilt
     * from the spans every trace is found again; searches without terms work throughout.
     */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void aDamagedSearchIndex_isRebuiltFromTheSpans_whileTermSearchesSaySo() throws Exception {
        Path file = dir.resolve("damaged.sqlite");
        try (SqliteTraceStore store = SqliteTraceStore.open(file, ASSEMBLER)) {
            for (int t = 1; t <= 400; t++) {
                appendTrace(store, t, 3, "needle run-" + t + " word" + (t * 7919 % 1000));
            }
        }
        Path index = dir.resolve("damaged-search.sqlite");
        long size = Files.size(index);
        assertThat(size).isGreaterThan(8 * 4096);
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(index, java.nio.file.StandardOpenOption.WRITE)) {
            for (long at = size / 2 / 4096 * 4096; at < size; at += 4096) {
                ch.write(java.nio.ByteBuffer.wrap(junk), at);
            }
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.open(file, ASSEMBLER)) {
            assertThat(reopened.search(dev.tta.obs.domain.query.TraceSearch.builder().limit(5).build()).traces())
                    .hasSize(5);
            java.util.List<String> found = null;
            boolean toldRebuilding = false;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (found == null && System.nanoTime() < deadline) {
                try {
                    found = reopened.search(dev.tta.obs.domain.query.TraceSearch.builder().text("needle").limit(1000)
                            .build()).traces().stream().map(dev.tta.obs.domain.TraceSummary::rootName).toList();
                } catch (dev.tta.obs.ports.out.SearchRebuildingException e) {
                    toldRebuilding = true;
                    assertThat(e.getMessage()).contains(index.toString()).contains("rebuilt");
                    assertThat(reopened.search(dev.tta.obs.domain.query.TraceSearch.builder().limit(5).build()).traces())
                            .as("listing without terms meanwhile").hasSize(5);
                    Thread.sleep(100);
                }
            }
            assertThat(toldRebuilding).as("the first term search met the damage (opening did not read those pages)").isTrue();
            assertThat(found).as("every trace found by a term once rebuilt").hasSize(400);
            assertThat(names(reopened, "run-17")).containsExactly("needle run-17 word" + (17 * 7919 % 1000));
            assertThat(dir.resolve("damaged-search.sqlite.damaged")).as("the damaged file, kept aside").exists();
            appendTrace(reopened, 500, 3, "needle after");
            assertThat(names(reopened, "after")).containsExactly("needle after");
        }
    }

    @org.junit.jupiter.api.Tag("faults")
    @Test
    void aLostSearchIndexFile_isRebuiltFromTheSpansOnTheNextStart() throws Exception {
        Path file = dir.resolve("lost-index.sqlite");
        try (SqliteTraceStore store = SqliteTraceStore.open(file, ASSEMBLER)) {
            appendTrace(store, 4, 3, "before-loss");
            assertThat(names(store, "before-loss")).containsExactly("before-loss");
        }
        Path index = dir.resolve("lost-index-search.sqlite");
        assertThat(index).exists();
        Files.delete(index);
        try (SqliteTraceStore reopened = SqliteTraceStore.open(file, ASSEMBLER)) {
            assertThat(names(reopened, "before-loss")).containsExactly("before-loss");
            // a new chunk takes an id above the rebuilt rows, and is found beside them
            appendTrace(reopened, 5, 3, "after-loss");
            assertThat(names(reopened, "loss")).containsExactlyInAnyOrder("before-loss", "after-loss");
        }
    }

    @Test
    void anotherProcessOpeningTheFiles_doesNotStopTheServersIndex() {
        // `tta-obs export --data-dir` opens the store while the server runs: on open it indexes the
        // chunks above the mark, which may be rows the server has queued but not yet written
        Path file = dir.resolve("shared.sqlite");
        try (SqliteTraceStore server = SqliteTraceStore.open(file, ASSEMBLER, java.util.concurrent.TimeUnit.HOURS.toNanos(1))) {
            appendTrace(server, 6, 2, "queued-in-server");
            try (SqliteTraceStore export = SqliteTraceStore.open(file, ASSEMBLER)) {
                assertThat(names(export, "queued-in-server")).containsExactly("queued-in-server");
            }
            appendTrace(server, 7, 2, "after-the-export");
            assertThat(names(server, "queued-in-server")).containsExactly("queued-in-server");
            assertThat(names(server, "after-the-export")).containsExactly("after-the-export");
        }
        // and a query counts the chunk once, though both processes wrote its row
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("shared-search.sqlite"));
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM chunk_terms WHERE chunk_terms MATCH ?")) {
            ps.setString(1, SqliteTerms.word(c, "queued"));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anImportIntoTheFilesOfARunningServer_andTheServersNextWrites_bothKeepTheirSpans() {
        // `tta-obs import --data-dir` writes the same file while the server runs
        Path file = dir.resolve("two-writers.sqlite");
        try (SqliteTraceStore server = SqliteTraceStore.open(file, ASSEMBLER)) {
            appendTrace(server, 8, 2, "before-import");
            try (SqliteTraceStore importer = SqliteTraceStore.open(file, ASSEMBLER)) {
                appendTrace(importer, 9, 2, "imported");
            }
            appendTrace(server, 10, 2, "after-import");
            assertThat(names(server, "import")).containsExactlyInAnyOrder("before-import", "imported", "after-import");
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.open(file, ASSEMBLER)) {
            for (int t = 8; t <= 10; t++) {
                assertThat(reopened.findTrace(Fixtures.traceId(t))).get()
                        .satisfies(trace -> assertThat(trace.spans()).hasSize(2));
            }
        }
    }

    @Test
    void aTermSearch_findsSpansWhoseSearchRowsAreStillPending() {
        try (SqliteTraceStore store = SqliteTraceStore.open(dir.resolve("pending.sqlite"), ASSEMBLER,
                java.util.concurrent.TimeUnit.HOURS.toNanos(1))) {
            appendTrace(store, 3, 2, "just-acknowledged");
            assertThat(names(store, "just-acknowledged")).containsExactly("just-acknowledged");
        }
    }

    /** Appends Fixtures' trace {@code n} of {@code size} spans, its root named {@code root}. */
    private static void appendTrace(TraceStore<?> store, int n, int size, String root) {
        Fixtures.ingestInto(store).append(java.util.List.of(new dev.tta.obs.domain.SpanBatch(Fixtures.trace(n, size, root))));
    }

    private static java.util.List<String> names(TraceStore<?> store, String text) {
        return store.search(dev.tta.obs.domain.query.TraceSearch.builder().text(text).limit(10).build()).traces().stream()
                .map(dev.tta.obs.domain.TraceSummary::rootName).toList();
    }

    @Test
    void unopenableFile_failsWithTheFileName() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        assertThatThrownBy(() -> SqliteTraceStore.open(notADir.resolve("db.sqlite"), ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("plain-file");
    }
}
