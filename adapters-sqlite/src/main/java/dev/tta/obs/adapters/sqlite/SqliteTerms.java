package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.adapters.jdbc.SearchTerms;

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

    /** An FTS5 query for one query word: a prefix query, or the whole word when it is short. */
    static String word(String word) {
        return "\"" + word + (SearchTerms.matchesAsPrefix(word) ? "\"*" : "\"");
    }
}
