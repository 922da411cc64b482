package dev.tta.obs.adapters.postgres;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.contract.SessionsAndFeedbackContract;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.ports.contract.Fixtures.trace;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresTraceStoreTest extends SessionsAndFeedbackContract {
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

    @Override
    protected TraceStore<?> newStore() throws Exception {
        return open(server.freshSchemaUrl());
    }

    private static PostgresTraceStore open(String url) {
        return PostgresTraceStore.open(url, Optional.empty(), Optional.empty(), ASSEMBLER);
    }

    private void append(int trace, int spans, String name) {
        Fixtures.ingestInto(store).append(List.of(new SpanBatch(trace(trace, spans, name))));
    }

    @Test
    void aStoredSummaryThatCannotBeUsed_isComputedFromTheSpans() throws Exception {
        String url = server.freshSchemaUrl();
        dev.tta.obs.ports.contract.UnusableSummaryRows.openWithSummariesComputedFromTheirSpans(() -> open(url), url,
                ASSEMBLER);
    }

    @Test
    void rowsStoredBeforeTheOutcomeColumn_areRecomputedFromTheirSpansOnOpen() throws Exception {
        String url = server.freshSchemaUrl();
        try (TraceStore<?> first = open(url)) {
            Fixtures.ingestInto(first).append(List.of(new SpanBatch(List.of(
                    Fixtures.span(1, 0, null, "recovered-run").build(),
                    Fixtures.span(1, 1, 0, "attempt-1").status(dev.tta.obs.domain.StatusCode.ERROR, "429").build()))));
        }
        // what a database written before the column holds: no outcome, a version 2 summary blob
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE traces SET outcome = NULL, summary = '\\x02'::bytea");
        }
        try (TraceStore<?> reopened = open(url)) {
            assertThat(reopened.search(TraceSearch.builder().outcome(dev.tta.obs.domain.RunOutcome.RECOVERED).build())
                    .traces()).extracting(s -> s.rootName()).containsExactly("recovered-run");
            assertThat(reopened.search(TraceSearch.builder().errorsOnly(true).build()).traces()).isEmpty();
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT outcome, get_byte(summary, 0) FROM traces")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("recovered");
            assertThat(rs.getInt(2)).isEqualTo(4);
        }
    }

    @Test
    void rowsStoredBeforeTheSessionColumns_joinTheirSessionOnOpen() throws Exception {
        String url = server.freshSchemaUrl();
        try (TraceStore<?> first = open(url)) {
            Fixtures.ingestInto(first).append(List.of(new SpanBatch(List.of(Fixtures.span(1, 0, null, "turn")
                    .attributes(dev.tta.obs.domain.Attributes.builder().put("session.id", "conv-1")
                            .put("user.id", "ann").build()).build()))));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE traces SET outcome = NULL, session_id = NULL, user_id = NULL,"
                    + " summary = '\\x03'::bytea");
        }
        try (TraceStore<?> reopened = open(url)) {
            assertThat(reopened.session("conv-1")).hasValueSatisfying(s -> {
                assertThat(s.userId()).contains("ann");
                assertThat(s.traceCount()).isEqualTo(1);
            });
        }
    }

    @Test
    void tracesStoredBeforeTheLlmCallsTable_getTheirCallsOnOpen() throws Exception {
        String url = server.freshSchemaUrl();
        TraceAssembler pricing = new TraceAssembler(new dev.tta.obs.domain.workflow.WorkflowRollups(
                dev.tta.obs.domain.cost.PriceTable.bundled()));
        try (TraceStore<?> first = PostgresTraceStore.open(url, Optional.empty(), Optional.empty(), pricing)) {
            Fixtures.ingestInto(first, pricing).append(List.of(new SpanBatch(List.of(
                    Fixtures.span(1, 0, null, "answer").build(),
                    Fixtures.span(1, 1, 0, "chat").attributes(dev.tta.obs.domain.Attributes.builder()
                            .put("gen_ai.request.model", "gpt-4o").put("gen_ai.usage.input_tokens", 100L)
                            .put("gen_ai.usage.output_tokens", 10L).build()).build()))));
        }
        // the schema as the version before V10 left it: no table, and V10 not in the history
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("DROP TABLE llm_calls");
            st.executeUpdate("DROP TABLE llm_calls_backfill");
            // and V11 undone, so that V10 and it run again (V11 then finds no exact terms in the
            // tsvectors: this test searches none)
            st.executeUpdate("ALTER TABLE span_chunks DROP COLUMN exact");
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE version IN ('10', '11')");
        }
        try (TraceStore<?> reopened = PostgresTraceStore.open(url, Optional.empty(), Optional.empty(), pricing)) {
            var calls = reopened.llmCalls(dev.tta.obs.domain.query.LlmCallSearch.builder().build()).calls();
            assertThat(calls).singleElement().satisfies(c -> {
                assertThat(c.spanId()).isEqualTo(Fixtures.spanId(1));
                assertThat(c.totalTokens()).isEqualTo(110);
            });
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM llm_calls_backfill")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing left to backfill").isZero();
        }
    }

    @Test
    void data_survivesReopeningTheDatabase() throws Exception {
        String url = server.freshSchemaUrl();
        dev.tta.obs.domain.feedback.Feedback given;
        try (TraceStore<?> first = open(url)) {
            Fixtures.ingestInto(first).append(List.of(new SpanBatch(trace(1, 3, "persisted"))));
            given = first.addFeedback(dev.tta.obs.domain.feedback.NewFeedback.of(traceId(1), Optional.empty(),
                    "thumbs", Optional.of(0.0), Optional.empty(), Optional.of("wrong"), Optional.empty()), 7L)
                    .orElseThrow();
        }
        try (TraceStore<?> second = open(url)) {
            assertThat(second.findTrace(traceId(1)).orElseThrow().spans()).hasSize(3);
            assertThat(second.search(TraceSearch.builder().spanName("persisted").build()).traces()).hasSize(1);
            assertThat(second.feedback(List.of(traceId(1))).get(traceId(1))).containsExactly(given);
        }
    }

    @Test
    void manyAttributesInOneCommit_stillMatchEachOne() throws Exception {
        String url = server.freshSchemaUrl();
        store.close();
        store = open(url);
        List<dev.tta.obs.domain.Span> spans = new java.util.ArrayList<>();
        for (int i = 0; i < 800; i++) {
            dev.tta.obs.domain.Attributes.Builder a = dev.tta.obs.domain.Attributes.builder();
            for (int k = 0; k < 100; k++) {
                a.put("key" + k, "value-" + i + "-" + k);
            }
            spans.add(Fixtures.span(9, i, i == 0 ? null : 0, "s" + i).attributes(a.build()).build());
        }
        Fixtures.ingestInto(store).append(List.of(new SpanBatch(spans)));
        assertThat(store.findTrace(traceId(9)).orElseThrow().spans()).hasSize(800);
        for (int i = 0; i < 800; i += 37) {
            assertThat(store.search(TraceSearch.builder().attribute("key" + (i % 100), "value-" + i + "-" + (i % 100))
                    .build()).traces()).as("span " + i).hasSize(1);
        }
        // 80,000 hashes in one chunk row; its words (a tsvector, at most 1 MB) are capped by SearchTerms
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*), max(cardinality(exact)), max(pg_column_size(terms)) FROM span_chunks")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isGreaterThan(80_000);
            assertThat(rs.getLong(3)).isLessThan(1024 * 1024);
        }
    }

    @Test
    void unreachableServer_failsWithOneLineNamingTheServer() {
        assertThatThrownBy(() -> PostgresTraceStore.open("jdbc:postgresql://127.0.0.1:1/nowhere",
                Optional.of("tta"), Optional.of("secret"), ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere")
                .hasMessageContaining("as tta")
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("\n");
    }

    @Test
    void notAPostgresUrl_isRefusedWithTheReason() {
        assertThatThrownBy(() -> PostgresTraceStore.open("jdbc:mysql://x/y", Optional.empty(), Optional.empty(),
                ASSEMBLER)).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> PostgresTraceStore.open("jdbc:postgresql://localhost:not-a-port/tta", Optional.empty(),
                Optional.empty(), ASSEMBLER)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot open PostgreSQL database jdbc:postgresql://localhost:not-a-port/tta");
    }

    @Test
    void describe_neverShowsThePassword() throws Exception {
        String url = server.freshSchemaUrl() + "&password=hunter2";
        try (TraceStore<?> s = open(url)) {
            assertThat(s.describe()).startsWith("postgres jdbc:postgresql://").doesNotContain("hunter2");
        }
    }
}
