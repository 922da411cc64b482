package dev.tta.obs.adapters.postgres;

import dev.tta.obs.adapters.jdbc.SearchTerms;

/**
 * How {@link SearchTerms} are written in a chunk row and found. Exact terms are their 64-bit hashes
 * in the {@code exact bigint[]} column (GIN, found with {@code &&}); words are lexemes of the
 * {@code terms} tsvector, stored as-is (a binary tsvector, {@link ChunkCopy}): PostgreSQL's own
 * parser would keep {@code tool.call} or {@code a@b.c} as one token. A tsvector holds at most
 * 1 MB, and a chunk's words stay far below that whatever its size: SearchTerms keeps at most 64k
 * characters of words per chunk. The hashes have no such limit.
 */
final class PostgresTerms {
    private PostgresTerms() {
    }

    /** A tsquery for one query word: a prefix, or the whole word when it is short. */
    static String word(String word) {
        return "'" + word + (SearchTerms.matchesAsPrefix(word) ? "':*" : "'");
    }
}
