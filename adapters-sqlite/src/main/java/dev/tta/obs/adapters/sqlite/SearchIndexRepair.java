package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.SearchTerms;
import dev.tta.obs.adapters.jdbc.SpanCodec;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * On open, gives the chunks committed but not yet indexed (after a crash, or with a new or lost
 * index file) their search rows, before the store serves (see {@link SearchIndex}).
 */
final class SearchIndexRepair {
    /** This many chunks to index means a new or lost index file, not a crash: worth a log line. */
    private static final int REBUILD_NOTICE_CHUNKS = 10_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SearchIndexRepair.class);

    private SearchIndexRepair() {
    }

    /** Reads the chunks above the index's mark on {@code writer} (in a transaction it commits) and indexes them. */
    static void indexUnindexedChunks(Connection writer, SearchIndex index, TraceAssembler assembler) throws SQLException {
        long started = System.nanoTime();
        long chunks = 0;
        List<SearchIndex.Row> rows = new ArrayList<>();
        try (PreparedStatement ps = writer.prepareStatement("SELECT chunk_id, trace_id, spans FROM span_chunks"
                + " WHERE chunk_id > ? ORDER BY chunk_id")) {
            ps.setLong(1, index.mark());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Span> spans = SpanCodec.decode(rs.getBytes(3));
                    if (spans.isEmpty()) {
                        continue;
                    }
                    TraceId traceId = TraceId.fromBytes(rs.getBytes(2));
                    List<String> kinds = assembler.summarize(traceId, spans).rollup().primitiveTypes();
                    rows.add(new SearchIndex.Row(rs.getLong(1),
                            SearchTerms.forChunk(spans, kinds).text(SqliteTerms.EXACT_PREFIX)));
                    if (++chunks == REBUILD_NOTICE_CHUNKS) {
                        LOG.info("Building the search index {} from the stored spans (once)", index.file());
                    }
                    if (rows.size() >= SearchIndex.BATCH_CHUNKS) {
                        index.add(rows);
                        rows = new ArrayList<>();
                    }
                }
            }
        }
        writer.commit();
        index.add(rows);
        index.write();
        if (chunks >= REBUILD_NOTICE_CHUNKS) {
            LOG.info("Search index built: {} span chunks in {} s", chunks,
                    String.format("%.1f", (System.nanoTime() - started) / 1e9));
        }
    }
}
