package dev.tta.obs.adapters.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reader connection's cache of the chunk ids that match a common search term, kept in
 * temporary tables. Collecting a term that matches most chunks is the slow part of such a search
 * at a million spans (docs/performance.md); the dashboard repeats the same filter on every
 * refresh, so the ids are kept and only chunks indexed since are added (FTS5 seeks a rowid range
 * cheaply). Ids of deleted chunks may stay
 * behind: chunk ids are never reused, so they match no chunk; a table is rebuilt once many
 * chunks have been deleted, so it does not grow with everything ever ingested.
 */
final class TermChunkCache {
    private static final int MAX_TERMS = 16;
    private static final long REBUILD_AFTER_DELETED_CHUNKS = 50_000;

    private final Connection connection;
    private final LinkedHashMap<String, Entry> byMatch = new LinkedHashMap<>(32, 0.75f, true);
    private int nextTable;

    private static final class Entry {
        final String table;
        long upto;
        long deletedAtBuild;

        Entry(String table) {
            this.table = table;
        }
    }

    TermChunkCache(Connection connection) {
        this.connection = connection;
    }

    /** Whether {@code match} is cached: it was common when first seen, so counting it again is skipped. */
    boolean has(String match) {
        return byMatch.containsKey(match);
    }

    /**
     * The name of a temporary table whose {@code chunk_id} column holds every chunk matching
     * {@code match} up to the index's mark. Only for the connection this cache belongs to.
     *
     * @param deletedChunks how many chunks the store has deleted so far
     */
    String tableFor(String match, long deletedChunks) throws SQLException {
        long mark;
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT indexed_upto FROM search_index_state")) {
            mark = rs.next() ? rs.getLong(1) : 0;
        }
        Entry e = byMatch.get(match);
        if (e != null && deletedChunks - e.deletedAtBuild > REBUILD_AFTER_DELETED_CHUNKS) {
            drop(match);
            e = null;
        }
        if (e == null) {
            e = new Entry("term_chunks_" + nextTable++);
            try (Statement st = connection.createStatement()) {
                st.executeUpdate("CREATE TEMP TABLE " + e.table + " (chunk_id INTEGER PRIMARY KEY)");
            }
            e.deletedAtBuild = deletedChunks;
            byMatch.put(match, e);
            evictBeyondLimit();
        }
        if (e.upto < mark) {
            try (PreparedStatement ps = connection.prepareStatement("INSERT OR IGNORE INTO temp." + e.table
                    + " SELECT rowid FROM chunk_terms WHERE chunk_terms MATCH ? AND rowid > ? AND rowid <= ?")) {
                ps.setString(1, match);
                ps.setLong(2, e.upto);
                ps.setLong(3, mark);
                ps.executeUpdate();
            }
            e.upto = mark;
        }
        return "temp." + e.table;
    }

    /** Forgets every cached term, for an index that is replaced: its ids mean nothing in the new one. */
    void clear() {
        for (Entry e : byMatch.values()) {
            try {
                dropTable(e.table);
            } catch (SQLException ignored) {
                // a temporary table of this connection: gone with it at the latest
            }
        }
        byMatch.clear();
    }

    private void evictBeyondLimit() throws SQLException {
        Iterator<Map.Entry<String, Entry>> it = byMatch.entrySet().iterator();
        while (byMatch.size() > MAX_TERMS && it.hasNext()) {
            Map.Entry<String, Entry> eldest = it.next();
            it.remove();
            dropTable(eldest.getValue().table);
        }
    }

    private void drop(String match) throws SQLException {
        Entry e = byMatch.remove(match);
        if (e != null) {
            dropTable(e.table);
        }
    }

    private void dropTable(String table) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("DROP TABLE IF EXISTS temp." + table);
        }
    }
}
