package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.cost.ModelName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What one span chunk can be found by, for both SQL stores: exact terms (a span name, an
 * attribute's key and value, a model, a primitive, status OK), each hashed into one 64-bit token so
 * that {@code http.status_code=500} is one token, not three words; and the lower-cased words of
 * names, services and string values, which free-text search matches by prefix.
 *
 * <p>Each store renders the same terms in its own syntax (SQLite: {@code x} and 16 hex digits in an
 * FTS5 row; PostgreSQL: {@code =} and 16 hex digits in a tsvector). The hash is part of the stored
 * format: changing it would make existing databases unsearchable.
 *
 * <p>This runs for every span on ingest, so it avoids regular expressions and intermediate
 * strings: words are cut out of ASCII text directly, and hashes are fed the UTF-8 bytes as they are
 * encoded.
 */
public final class SearchTerms {
    /** Prompts can be megabytes; only their beginning is searchable, so a chunk's row stays small. */
    public static final int MAX_VALUE_CHARS = 1024;
    /** Long words are cut on both sides (stored and queried), so a prefix query still finds them. */
    public static final int MAX_WORD_CHARS = 100;
    public static final int MAX_WORD_BUDGET_CHARS = 64 * 1024;
    /**
     * Query words shorter than this match whole words only: as prefixes, "7" or "id" would match
     * a large share of all words (every number starting with 7) and make the search slow without
     * making it more useful.
     */
    public static final int MIN_PREFIX_CHARS = 3;

    /** Whether a query word is matched as a prefix of stored words, or as a whole word. */
    public static boolean matchesAsPrefix(String queryWord) {
        return queryWord.length() >= MIN_PREFIX_CHARS;
    }

    private static final String NAME = "name";
    private static final String ATTR = "attr";
    private static final String MODEL = "model";
    private static final String MODEL_FAMILY = "model-family";
    private static final String PRIMITIVE = "primitive";
    private static final String STATUS = "status";

    private SearchTerms() {
    }

    /**
     * One chunk's terms: distinct exact-term hashes and distinct words, in first-seen order. The
     * rendered text is kept once made, so a store can render it on the request thread and the
     * writer only binds it.
     */
    public static final class Chunk {
        private final long[] exact;
        private final List<String> words;
        private String text;
        private char textPrefix;

        Chunk(long[] exact, List<String> words) {
            this.exact = exact;
            this.words = words;
        }

        public long[] exact() {
            return exact.clone();
        }

        public List<String> words() {
            return List.copyOf(words);
        }

        /** Every term as a token followed by a space: {@code exactPrefix} + 16 hex digits for exact terms, then the words. */
        public String text(char exactPrefix) {
            String t = text;
            if (t == null || textPrefix != exactPrefix) {
                // filled in place: a chunk has ~100 exact tokens, and a builder per token showed in profiles
                int length = exact.length * (TOKEN_CHARS + 1);
                for (String w : words) {
                    length += w.length() + 1;
                }
                char[] out = new char[length];
                int at = 0;
                for (long h : exact) {
                    writeToken(out, at, exactPrefix, h);
                    out[at + TOKEN_CHARS] = ' ';
                    at += TOKEN_CHARS + 1;
                }
                for (String w : words) {
                    w.getChars(0, w.length(), out, at);
                    at += w.length();
                    out[at++] = ' ';
                }
                t = new String(out);
                textPrefix = exactPrefix;
                text = t;
            }
            return t;
        }

        /** Every term as its own string: exact tokens with {@code exactPrefix}, then the words. */
        public List<String> tokens(char exactPrefix) {
            List<String> out = new ArrayList<>(exact.length + words.size());
            for (long h : exact) {
                out.add(token(exactPrefix, h));
            }
            out.addAll(words);
            return out;
        }
    }

    public static Chunk forChunk(Collection<Span> spans, Collection<String> primitiveTypes) {
        Hasher hasher = new Hasher();
        LongSet exact = new LongSet(16 + spans.size() * 12);
        for (String p : primitiveTypes) {
            exact.add(hasher.start(PRIMITIVE).add(p).finish());
        }
        LongSet seen = new LongSet(64);
        List<String> words = new ArrayList<>();
        int[] budget = {MAX_WORD_BUDGET_CHARS};
        KeyMemo keys = new KeyMemo();
        String lastService = null;
        for (Span s : spans) {
            exact.add(hasher.start(NAME).add(s.name()).finish());
            words(s.name(), seen, words, budget);
            if (s.serviceName() != lastService) {
                // a chunk's spans share one service string: its words are in the chunk already
                lastService = s.serviceName();
                words(lastService, seen, words, budget);
            }
            if (s.status().code() == StatusCode.OK) {
                exact.add(STATUS_OK);
            }
            Attributes attributes = s.attributes();
            for (int i = 0, n = attributes.size(); i < n; i++) {
                String key = attributes.keyAt(i);
                AttributeValue value = attributes.valueAt(i);
                if (value instanceof AttributeValue.LongValue l && !isModelKey(key)) {
                    // half of all values are numbers: hashed from their digits, no string made
                    exact.add(keys.attribute(hasher, key).addDecimal(l.value()).finish());
                    continue;
                }
                String text = value.asText();
                exact.add(keys.attribute(hasher, key).add(text).finish());
                if (isModelKey(key)) {
                    exact.add(hasher.start(MODEL).add(text).finish());
                    // claude-3-5-sonnet finds claude-3-5-sonnet-20241022: the family beside the name
                    exact.add(hasher.start(MODEL_FAMILY).add(ModelName.canonical(text)).finish());
                }
                if (value instanceof AttributeValue.StringValue) {
                    words(text, seen, words, budget);
                }
            }
        }
        return new Chunk(exact.toArray(), words);
    }

    private static boolean isModelKey(String key) {
        return key.equals("gen_ai.request.model") || key.equals("gen_ai.response.model") || key.equals("llm.model_name");
    }

    public static long spanName(String name) {
        return new Hasher().start(NAME).add(name).finish();
    }

    public static long attribute(String key, String value) {
        return new Hasher().start(ATTR).add(key).addZero().add(value).finish();
    }

    /** The exact model name a span reported. */
    public static long model(String model) {
        return new Hasher().start(MODEL).add(model).finish();
    }

    /** Every model name whose family ({@link ModelName#canonical}) is {@code family}. */
    public static long modelFamily(String family) {
        return new Hasher().start(MODEL_FAMILY).add(family).finish();
    }

    /**
     * The term a model filter searches, after {@link ModelName#matchesFilter}: a family name finds
     * every snapshot of the family, any other name exactly that name.
     */
    public static long modelFilter(String filter) {
        String f = filter.trim();
        return ModelName.isFamily(f) ? modelFamily(ModelName.canonical(f)) : model(f);
    }

    public static long primitive(String type) {
        return new Hasher().start(PRIMITIVE).add(type).finish();
    }

    public static long statusOk() {
        return STATUS_OK;
    }

    private static final long STATUS_OK = new Hasher().start(STATUS).add("OK").finish();

    /** {@code prefix} and the hash as 16 lower-case hex digits: one token no word can equal. */
    public static String token(char exactPrefix, long hash) {
        char[] chars = new char[TOKEN_CHARS];
        writeToken(chars, 0, exactPrefix, hash);
        return new String(chars);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int TOKEN_CHARS = 17;

    /** Writes {@link #token} into {@code out} at {@code at}, without a string per token. */
    private static void writeToken(char[] out, int at, char prefix, long h) {
        out[at] = prefix;
        // two digits per step: a chunk renders ~100 tokens
        for (int i = TOKEN_CHARS - 2; i > 0; i -= 2) {
            int pair = HEX_PAIRS[(int) h & 0xff];
            out[at + i] = (char) (pair >>> 8);
            out[at + i + 1] = (char) (pair & 0xff);
            h >>>= 8;
        }
    }

    /** For each byte, its two lower-case hex digits as (high << 8 | low). */
    private static final int[] HEX_PAIRS = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            HEX_PAIRS[b] = HEX[b >>> 4] << 8 | HEX[b & 0xf];
        }
    }

    /** The words of a free-text query, lower-cased and cut like stored words; each is matched as a prefix. */
    public static List<String> queryWords(String text) {
        List<String> out = new ArrayList<>();
        words(text, new LongSet(16), out, new int[] {Integer.MAX_VALUE});
        return out;
    }

    /**
     * The words of {@code text}: maximal runs of letters and digits (Unicode categories L and N),
     * lower-cased. Only the first {@link #MAX_VALUE_CHARS} characters count.
     */
    static void words(String text, LongSet seen, List<String> out, int[] budget) {
        if (budget[0] <= 0 || text.isEmpty()) {
            return;
        }
        String cut = text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) : text;
        if (!isAscii(cut)) {
            unicodeWords(cut.toLowerCase(Locale.ROOT), seen, out, budget);
            return;
        }
        int n = cut.length();
        int i = 0;
        while (i < n) {
            while (i < n && !isAsciiWordChar(cut.charAt(i))) {
                i++;
            }
            int start = i;
            boolean upper = false;
            while (i < n && isAsciiWordChar(cut.charAt(i))) {
                upper |= cut.charAt(i) <= 'Z' && cut.charAt(i) >= 'A';
                i++;
            }
            if (i > start && !addWord(cut, start, i, upper, seen, out, budget)) {
                return;
            }
        }
    }

    private static void unicodeWords(String lower, LongSet seen, List<String> out, int[] budget) {
        int n = lower.length();
        int i = 0;
        while (i < n) {
            while (i < n && !isWordCodePoint(lower.codePointAt(i))) {
                i += Character.charCount(lower.codePointAt(i));
            }
            int start = i;
            while (i < n && isWordCodePoint(lower.codePointAt(i))) {
                i += Character.charCount(lower.codePointAt(i));
            }
            if (i > start && !addWord(lower, start, i, false, seen, out, budget)) {
                return;
            }
        }
    }

    /**
     * Adds the word {@code text[start, end)} (cut to {@link #MAX_WORD_CHARS}) unless the chunk has it
     * already. Words are told apart by a 64-bit hash of their lower-cased characters, so a repeated
     * word costs no string; two different words of one chunk colliding is not a practical concern.
     *
     * @return false once the budget is spent
     */
    private static boolean addWord(String text, int start, int end, boolean needsLowerCase, LongSet seen,
                                   List<String> out, int[] budget) {
        int len = Math.min(end - start, MAX_WORD_CHARS);
        if (len < end - start && Character.isHighSurrogate(text.charAt(start + len - 1))) {
            len--;
        }
        long h = 0xcbf29ce484222325L;
        for (int i = start; i < start + len; i++) {
            char c = text.charAt(i);
            if (needsLowerCase && c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            h = (h ^ c) * 0x100000001b3L;
        }
        if (seen.add(h)) {
            String w = text.substring(start, start + len);
            out.add(needsLowerCase ? w.toLowerCase(Locale.ROOT) : w);
            budget[0] -= len + 1;
        }
        return budget[0] > 0;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWordCodePoint(int cp) {
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /**
     * Two FNV-1a style lanes over the UTF-8 bytes of {@code kind \0 value}, mixed into one long. The
     * bytes are encoded as they are fed (unpaired surrogates as {@code ?}, like
     * {@code String.getBytes(UTF_8)}), so no byte array is built per term.
     */
    private static final class Hasher {
        private final byte[] digits = new byte[20];
        private long h1;
        private long h2;

        Hasher start(String kind) {
            h1 = 0xcbf29ce484222325L;
            h2 = 0x84222325cbf29ce4L;
            return add(kind).addZero();
        }

        Hasher addZero() {
            return addByte(0);
        }

        private Hasher addByte(int b) {
            h1 = (h1 ^ b) * 0x100000001b3L;
            h2 = (h2 ^ b) * 0x100000001b3L + 0x9e3779b97f4a7c15L;
            return this;
        }

        Hasher add(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    addByte(c);
                } else if (c < 0x800) {
                    addByte(0xc0 | (c >> 6));
                    addByte(0x80 | (c & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, s.charAt(++i));
                        addByte(0xf0 | (cp >> 18));
                        addByte(0x80 | ((cp >> 12) & 0x3f));
                        addByte(0x80 | ((cp >> 6) & 0x3f));
                        addByte(0x80 | (cp & 0x3f));
                    } else {
                        addByte('?');
                    }
                } else {
                    addByte(0xe0 | (c >> 12));
                    addByte(0x80 | ((c >> 6) & 0x3f));
                    addByte(0x80 | (c & 0x3f));
                }
            }
            return this;
        }

        /** The same bytes as {@code add(Long.toString(v))}. */
        Hasher addDecimal(long v) {
            if (v == Long.MIN_VALUE) {
                return add(Long.toString(v));
            }
            if (v < 0) {
                addByte('-');
                v = -v;
            }
            // digits from the right, each by a division by the constant 10 (a multiplication once
            // compiled), then fed from the left
            int n = 0;
            do {
                long q = v / 10;
                digits[n++] = (byte) ('0' + (v - q * 10));
                v = q;
            } while (v != 0);
            while (n > 0) {
                addByte(digits[--n]);
            }
            return this;
        }

        /** Continues from a state {@link #state1()}/{@link #state2()} returned, as if its bytes were fed again. */
        Hasher resume(long state1, long state2) {
            h1 = state1;
            h2 = state2;
            return this;
        }

        long state1() {
            return h1;
        }

        long state2() {
            return h2;
        }

        long finish() {
            long a = h1;
            a ^= a >>> 33;
            a *= 0xff51afd7ed558ccdL;
            a ^= a >>> 33;
            return a ^ Long.rotateLeft(h2, 29);
        }
    }

    /**
     * The hash state after {@code attr \0 key \0} for the keys of one chunk: its spans repeat the
     * same keys (often long ones, {@code gen_ai.usage.input_tokens}), so each key's bytes are hashed
     * once per chunk instead of once per attribute. Direct-mapped by the key's cached string hash; a
     * slot taken by another key is simply overwritten.
     */
    private static final class KeyMemo {
        private static final int SLOTS = 64;
        private final String[] keys = new String[SLOTS];
        private final long[] state1 = new long[SLOTS];
        private final long[] state2 = new long[SLOTS];

        Hasher attribute(Hasher hasher, String key) {
            int h = key.hashCode();
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            String k = keys[slot];
            if (k == key || (k != null && k.equals(key))) {
                return hasher.resume(state1[slot], state2[slot]);
            }
            hasher.start(ATTR).add(key).addZero();
            keys[slot] = key;
            state1[slot] = hasher.state1();
            state2[slot] = hasher.state2();
            return hasher;
        }
    }

    /** Open-addressing set of longs that remembers insertion order; a chunk has a few hundred terms. */
    static final class LongSet {
        private long[] table;
        private boolean[] used;
        private long[] order;
        private int size;

        LongSet(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
            table = new long[cap];
            used = new boolean[cap];
            order = new long[Math.max(16, expected)];
        }

        /** @return whether {@code v} was new */
        boolean add(long v) {
            int mask = table.length - 1;
            long mixed = v * 0x9e3779b97f4a7c15L;
            int i = (int) (mixed >>> 32) & mask;
            while (used[i]) {
                if (table[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            table[i] = v;
            if (size == order.length) {
                order = java.util.Arrays.copyOf(order, size * 2);
            }
            order[size++] = v;
            if (size * 2 > table.length) {
                grow();
            }
            return true;
        }

        private void grow() {
            long[] values = java.util.Arrays.copyOf(order, size);
            table = new long[table.length * 2];
            used = new boolean[table.length];
            int n = size;
            size = 0;
            for (int k = 0; k < n; k++) {
                add(values[k]);
            }
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(order, size);
        }
    }
}
