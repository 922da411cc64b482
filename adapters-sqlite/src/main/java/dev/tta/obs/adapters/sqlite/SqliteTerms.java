package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.SearchTerms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** How {@link SearchTerms} are written in the FTS5 table {@code chunk_terms}, and how queries find them. */
final class SqliteTerms {
    /**
     * Exact terms are stored as {@code x} and 16 hex digits (FTS5's tokenizer would split any
     * punctuation); kept since the first schema, so existing files stay searchable.
     */
    static final char EXACT_PREFIX = 'x';

    private SqliteTerms() {
    }

    /** An FTS5 query for one exact term. */
    static String exact(long hash) {
        return "\"" + SearchTerms.token(EXACT_PREFIX, hash) + "\"";
    }

    /**
     * An FTS5 query for one query word: a prefix query, or the whole word when it is short.
     *
     * <p>A word that FTS5's tokenizer splits is asked for as its parts, all required, the last
     * one as the word would be: quoted whole, FTS5 would split it into a phrase, which the
     * {@code detail=none} index refuses. Search words are runs of Unicode letters and digits as Java
     * knows them; the {@code unicode61} tokenizer's tables are older (U+1CF3 is a letter to Java,
     * a separator to SQLite), so a stored word with such a character was split the same way and
     * its parts are what the index holds. ASCII words are the same to both.
     */
    static String word(Connection reader, String word) throws SQLException {
        List<String> parts = isAscii(word) ? List.of(word) : tokens(reader, word);
        if (parts.isEmpty()) {
            // nothing the index can hold: an empty phrase matches no row
            return "\"\"";
        }
        StringBuilder match = new StringBuilder();
        for (int i = 0; i < parts.size() - 1; i++) {
            match.append('"').append(parts.get(i)).append("\" AND ");
        }
        String last = parts.get(parts.size() - 1);
        return match.append('"').append(last).append(SearchTerms.matchesAsPrefix(word) ? "\"*" : "\"").toString();
    }

    /** The tokens FTS5's default tokenizer (the index's) makes of {@code text}, in order, from a table in the connection's memory. */
    private static List<String> tokens(Connection reader, String text) throws SQLException {
        try (Statement st = reader.createStatement()) {
            st.executeUpdate("CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_words USING fts5(w)");
            st.executeUpdate("CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_word_tokens"
                    + " USING fts5vocab(temp, query_words, instance)");
            st.executeUpdate("DELETE FROM temp.query_words");
        }
        try (PreparedStatement ps = reader.prepareStatement("INSERT INTO temp.query_words (w) VALUES (?)")) {
            ps.setString(1, text);
            ps.executeUpdate();
        }
        List<String> tokens = new ArrayList<>();
        try (Statement st = reader.createStatement();
             ResultSet rs = st.executeQuery("SELECT term FROM temp.query_word_tokens ORDER BY \"offset\"")) {
            while (rs.next()) {
                tokens.add(rs.getString(1));
            }
        }
        return tokens;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
