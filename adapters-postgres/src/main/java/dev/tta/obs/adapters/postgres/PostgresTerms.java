package dev.tta.obs.adapters.postgres;

import dev.tta.obs.adapters.jdbc.SearchTerms;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How {@link SearchTerms} are written as a chunk's {@code terms} tsvector and found by tsquery.
 * Lexemes are stored as-is (a binary tsvector, {@link ChunkCopy}): PostgreSQL's own parser would keep
 * {@code tool.call} or {@code a@b.c} as one token. Exact terms are prefixed with {@code =}, a
 * character no word contains, so a word prefix query can never match a hash.
 */
final class PostgresTerms {
    static final char EXACT_PREFIX = '=';
    /** tsvector holds at most 1 MB; a chunk whose terms would come near that is split. */
    static final int MAX_TERM_BYTES = 512 * 1024;

    private PostgresTerms() {
    }

    /** Roughly what the tsvector takes: each lexeme's bytes plus its entry. */
    static long sizeInBytes(List<String> lexemes) {
        long n = 0;
        for (String l : lexemes) {
            n += l.getBytes(StandardCharsets.UTF_8).length + 8;
        }
        return n;
    }

    /** A tsquery for one exact term. */
    static String exact(long hash) {
        return "'" + SearchTerms.token(EXACT_PREFIX, hash) + "'";
    }

    /** A tsquery for one query word: a prefix, or the whole word when it is short. */
    static String word(String word) {
        return "'" + word + (SearchTerms.matchesAsPrefix(word) ? "':*" : "'");
    }
}
