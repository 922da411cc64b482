package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.TraceSearchSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The SQLite store's reading side of a search: how {@link TraceSearchSql} names its tables, and how
 * a term filter narrows through the full-text table of span chunks ({@code chunk_terms}).
 */
final class SqliteSearch implements TraceSearchSql.Dialect {
    /** A rare term: collect its few traces once, then look them up by primary key. */
    private static final String TERM_IN = "trace_id IN (SELECT c.trace_id FROM chunk_terms"
            + " JOIN span_chunks c ON c.chunk_id = chunk_terms.rowid WHERE chunk_terms MATCH ?)";

    /** What the search needs of its store. */
    interface Store {
        TermChunkCache termCache(Connection reader);

        /** Chunks deleted since the store opened; tells term caches when to rebuild. */
        long deletedChunks();

        /** About how many chunks are stored (the next chunk id). */
        long chunks();
    }

    private final Store store;

    SqliteSearch(Store store) {
        this.store = store;
    }

    /**
     * A common term: its matching chunk ids are collected (and kept, see {@link TermChunkCache}), and
     * each candidate row, walked in the sort's index order, is checked against them, so a page
     * fills after a few rows instead of first mapping a large share of all chunks to their traces.
     * (A MATCH correlated per row would re-run the full-text query for every row; the unary plus
     * keeps SQLite from turning the id list into an index probe per list entry, which is as slow.)
     */
    private static String termExists(String chunkTable) {
        return "EXISTS (SELECT 1 FROM span_chunks c WHERE c.trace_id = traces.trace_id AND +c.chunk_id IN "
                + chunkTable + ")";
    }

    /**
     * Collecting a term's traces costs about its match count; walking rows until a page is full
     * costs about page size / match density. They break even near sqrt(2 x page x chunks).
     */
    private int rareTermLimit(int page) {
        return (int) Math.max(500, Math.sqrt(2.0 * page * Math.max(1, store.chunks())));
    }

    @Override
    public String tracesTable() {
        return "traces";
    }

    @Override
    public String column(String name) {
        return name;
    }

    @Override
    public String regressionFlag() {
        return "coalesce(regression, 0) = 1";
    }

    @Override
    public void appendTerm(Connection c, TraceSearchSql.Term term, int pageRows, StringBuilder where,
                           List<Object> args) throws SQLException {
        String match = term.word().isPresent() ? SqliteTerms.word(c, term.word().get()) : term.exactHashes().stream()
                .map(SqliteTerms::exact).collect(java.util.stream.Collectors.joining(" OR "));
        // counting a prefix term reads its whole doclist: a cached term was common when first seen
        // and terms only grow more common, so it is not counted again
        TermChunkCache cache = store.termCache(c);
        int rareLimit = rareTermLimit(pageRows);
        if (!cache.has(match) && matchingChunks(c, match, rareLimit) <= rareLimit) {
            where.append(TERM_IN);
            args.add(match);
        } else {
            where.append(termExists(cache.tableFor(match, store.deletedChunks())));
        }
    }

    private static int matchingChunks(Connection c, String match, int upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM chunk_terms"
                + " WHERE chunk_terms MATCH ? LIMIT " + (upTo + 1) + ")")) {
            ps.setString(1, match);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
