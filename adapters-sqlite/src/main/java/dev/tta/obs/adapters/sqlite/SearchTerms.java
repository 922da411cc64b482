package dev.tta.obs.adapters.sqlite;

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
 * The words and exact terms of one span chunk, as the {@code chunk_terms} full-text row stores
 * them, and the same encoding for queries. Exact terms are hashed into one token each ("x" and 16
 * hex digits) so that {@code http.status_code=500} is one token, not three words.
 */
final class SearchTerms {
    /** Prompts can be megabytes; only their beginning is searchable, so a chunk's row stays small. */
    static final int MAX_VALUE_CHARS = 1024;
    static final int MAX_CHUNK_TEXT_CHARS = 64 * 1024;
    static final List<String> MODEL_KEYS = List.of("gen_ai.request.model", "gen_ai.response.model", "llm.model_name");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private SearchTerms() {
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

    static String forChunk(Collection<Span> spans, Collection<String> primitiveTypes) {
        Set<String> exact = new LinkedHashSet<>();
        Set<String> words = new LinkedHashSet<>();
        int[] budget = {MAX_CHUNK_TEXT_CHARS};
        for (String p : primitiveTypes) {
            exact.add(primitive(p));
        }
        for (Span s : spans) {
            exact.add(spanName(s.name()));
            words(s.name(), words, budget);
            words(s.serviceName(), words, budget);
            if (s.status().code() == StatusCode.OK) {
                exact.add(statusOk());
            }
            for (var e : s.attributes().asMap().entrySet()) {
                String text = e.getValue().asText();
                exact.add(attribute(e.getKey(), text));
                if (MODEL_KEYS.contains(e.getKey())) {
                    exact.add(model(text));
                }
                if (e.getValue() instanceof AttributeValue.StringValue) {
                    words(text, words, budget);
                }
            }
        }
        StringBuilder sb = new StringBuilder(exact.size() * 18 + MAX_CHUNK_TEXT_CHARS / 8);
        for (String t : exact) {
            sb.append(t).append(' ');
        }
        for (String w : words) {
            sb.append(w).append(' ');
        }
        return sb.toString();
    }

    private static void words(String text, Set<String> out, int[] budget) {
        if (budget[0] <= 0 || text.isEmpty()) {
            return;
        }
        String cut = text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) : text;
        for (String w : NON_WORD.split(cut.toLowerCase(Locale.ROOT))) {
            if (!w.isEmpty() && out.add(w)) {
                budget[0] -= w.length() + 1;
                if (budget[0] <= 0) {
                    return;
                }
            }
        }
    }

    /** The words of a free-text query, each as a prefix query, all required. */
    static List<String> queryWords(String text) {
        List<String> out = new ArrayList<>();
        for (String w : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (!w.isEmpty()) {
                out.add("\"" + w + "\"*");
            }
        }
        return out;
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
        return "x" + "0000000000000000".substring(hex.length()) + hex;
    }
}
