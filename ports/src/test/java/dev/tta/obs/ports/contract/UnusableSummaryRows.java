package dev.tta.obs.ports.contract;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.out.TraceStore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the JDBC stores, which keep each trace's summary in a {@code traces} row beside its spans: a
 * trace whose row cannot be trusted opens with a summary computed from its spans. The rows are
 * damaged with plain SQL between two openings, as a damaged file or a downgrade would leave them.
 */
public final class UnusableSummaryRows {
    private UnusableSummaryRows() {
    }

    /** {@code open} opens the store at {@code jdbcUrl}; each call a new store on the same data. */
    public static void openWithSummariesComputedFromTheirSpans(Supplier<TraceStore<?>> open, String jdbcUrl,
            TraceAssembler assembler) throws Exception {
        TraceSummary three;
        TraceSummary five;
        try (TraceStore<?> store = open.get()) {
            Fixtures.ingestInto(store).append(List.of(new SpanBatch(Fixtures.trace(1, 3, "three")),
                    new SpanBatch(Fixtures.trace(2, 5, "five")), new SpanBatch(Fixtures.trace(3, 2, "rowless"))));
            three = store.findTrace(Fixtures.traceId(1)).orElseThrow().summary();
            five = store.findTrace(Fixtures.traceId(2)).orElseThrow().summary();
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            // trace 1's row holds a summary of other spans (trace 2's), trace 2's one in a newer
            // version's format, and trace 3 lost its row
            update(c, "UPDATE traces SET summary = (SELECT summary FROM traces WHERE trace_id = ?) WHERE trace_id = ?",
                    Fixtures.traceId(2).toBytes(), Fixtures.traceId(1).toBytes());
            update(c, "UPDATE traces SET summary = ? WHERE trace_id = ?", new byte[] {99, 1, 2, 3},
                    Fixtures.traceId(2).toBytes());
            update(c, "DELETE FROM traces WHERE trace_id = ?", Fixtures.traceId(3).toBytes());
        }
        try (TraceStore<?> reopened = open.get()) {
            assertThat(reopened.findTrace(Fixtures.traceId(1)).orElseThrow().summary()).isEqualTo(three);
            assertThat(reopened.findTrace(Fixtures.traceId(2)).orElseThrow().summary()).isEqualTo(five);
            Trace rowless = reopened.findTrace(Fixtures.traceId(3)).orElseThrow();
            assertThat(rowless.summary()).isEqualTo(assembler.summarize(Fixtures.traceId(3), rowless.spans()));
            assertThat(rowless.summary().rootName()).isEqualTo("rowless");
        }
    }

    private static void update(Connection c, String sql, byte[]... parameters) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setBytes(i + 1, parameters[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
