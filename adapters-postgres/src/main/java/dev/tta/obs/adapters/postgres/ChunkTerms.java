package dev.tta.obs.adapters.postgres;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.StatusCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lexemes of one span chunk's {@code terms} tsvector, and the tsquery text that finds them.
 * Lexemes are stored as-is ({@code array_to_tsvector}): PostgreSQL's own parser would keep
 * {@code tool.call} or {@code a@b.c} as one token, and free-text search matches word prefixes.
 * Exact terms are hashed into one lexeme each, prefixed with {@code =}, a character no word
 * contains, so a word prefix query can never match a hash.
 */
final class ChunkTerms {
    /** Prompts can be megabytes; only their beginning is searchable, so a chunk's row stays small. */
    static final int MAX_VALUE_CHARS = 1024;
    static final int MAX_WORD_CHARS = 100;
    static final int MAX_WORD_BUDGET_CHARS = 64 * 1024;
    /** tsvector holds at most 1 MB; a chunk whose terms would come near that is split. */
    static final int MAX_TERM_BYTES = 512 * 1024;
    static final List<String> MODEL_KEYS = List.of("gen_ai.request.model", "gen_ai.response.model", "llm.model_name");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private ChunkTerms() {
    }

    static String spanName(String name) {
        return exact("name", name);
    }

    static String attribute(String key, String value) {
        return exact("attr", key + '\u0000' + value);
    }

    static String model(String model) {
        return exact("model", model);
    }

    static String primitive(String type) {
        return exact("primitive", type);
    }

    static String statusOk() {
        return exact("status", "OK");
    }

    static List<String> forChunk(Collection<Span> spans, Collection<String> primitiveTypes) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : primitiveTypes) {
            out.add(primitive(p));
        }
        int[] budget = {MAX_WORD_BUDGET_CHARS};
        for (Span s : spans) {
            out.add(spanName(s.name()));
            words(s.name(), out, budget);
            words(s.serviceName(), out, budget);
            if (s.status().code() == StatusCode.OK) {
                out.add(statusOk());
            }
            for (var e : s.attributes().asMap().entrySet()) {
                String text = e.getValue().asText();
                out.add(attribute(e.getKey(), text));
                if (MODEL_KEYS.contains(e.getKey())) {
                    out.add(model(text));
                }
                if (e.getValue() instanceof AttributeValue.StringValue) {
                    words(text, out, budget);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Roughly what the tsvector takes: each lexeme's bytes plus its entry. */
    static long sizeInBytes(List<String> lexemes) {
        long n = 0;
        for (String l : lexemes) {
            n += l.getBytes(StandardCharsets.UTF_8).length + 8;
        }
        return n;
    }

    private static void words(String text, Set<String> out, int[] budget) {
        if (budget[0] <= 0 || text.isEmpty()) {
            return;
        }
        String cut = text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) : text;
        for (String w : NON_WORD.split(cut.toLowerCase(Locale.ROOT))) {
            if (!w.isEmpty() && out.add(word(w))) {
                budget[0] -= w.length() + 1;
                if (budget[0] <= 0) {
                    return;
                }
            }
        }
    }

    /** Long words are cut on both sides (stored and queried), so a prefix query still finds them. */
    private static String word(String w) {
        return w.length() > MAX_WORD_CHARS ? w.substring(0, MAX_WORD_CHARS) : w;
    }

    /** A tsquery for one word of free text, as a prefix; empty when the text has no word. */
    static List<String> queryWords(String text) {
        List<String> out = new ArrayList<>();
        for (String w : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (!w.isEmpty()) {
                out.add("'" + word(w) + "':*");
            }
        }
        return out;
    }

    /** A tsquery for one exact term. */
    static String query(String exactTerm) {
        return "'" + exactTerm + "'";
    }

    private static String exact(String kind, String value) {
        byte[] bytes = (kind + '\u0000' + value).getBytes(StandardCharsets.UTF_8);
        long h1 = 0xcbf29ce484222325L;
        long h2 = 0x84222325cbf29ce4L;
        for (byte b : bytes) {
            h1 = (h1 ^ (b & 0xff)) * 0x100000001b3L;
            h2 = (h2 ^ (b & 0xff)) * 0x100000001b3L + 0x9e3779b97f4a7c15L;
        }
        h1 ^= h1 >>> 33;
        h1 *= 0xff51afd7ed558ccdL;
        h1 ^= h1 >>> 33;
        String hex = Long.toHexString(h1 ^ Long.rotateLeft(h2, 29));
        return "=" + "0000000000000000".substring(hex.length()) + hex;
    }
}
