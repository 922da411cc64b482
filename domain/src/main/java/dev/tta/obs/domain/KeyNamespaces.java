package dev.tta.obs.domain;

import java.util.Arrays;
import java.util.List;

/**
 * A fixed set of key prefixes ({@code gen_ai.}, {@code retry.}) and whether a span's attributes
 * have a key under any of them. Rules that look up dozens of well-known keys ask this first: most
 * spans have none of them, and one pass over their keys, comparing each with the one or two
 * prefixes sharing its first character, is cheaper than the lookups that would all find nothing.
 */
public final class KeyNamespaces {
    private final List<String> prefixes;
    /** The prefixes by their first character (ASCII); a key starting otherwise is in none. */
    private final String[][] byFirstChar = new String[128][];

    public KeyNamespaces(String... prefixes) {
        this.prefixes = List.of(prefixes);
        for (String p : prefixes) {
            if (p.isEmpty() || p.charAt(0) >= 128) {
                throw new IllegalArgumentException("a key namespace starts with an ASCII character, got '" + p + "'");
            }
            String[] same = byFirstChar[p.charAt(0)];
            same = same == null ? new String[1] : Arrays.copyOf(same, same.length + 1);
            same[same.length - 1] = p;
            byFirstChar[p.charAt(0)] = same;
        }
    }

    public List<String> prefixes() {
        return prefixes;
    }

    public boolean contains(String key) {
        char first = key.isEmpty() ? 0 : key.charAt(0);
        String[] candidates = first < 128 ? byFirstChar[first] : null;
        if (candidates != null) {
            for (String p : candidates) {
                if (key.startsWith(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether any key of {@code a} is in one of the namespaces. */
    public boolean anyIn(Attributes a) {
        for (int i = 0, n = a.size(); i < n; i++) {
            if (contains(a.keyAt(i))) {
                return true;
            }
        }
        return false;
    }
}
