package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.ports.contract.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SearchTermsTest {

    /**
     * The hash and word rules as the first schema wrote them (regular expression and
     * {@code getBytes}): databases written then must stay searchable, so the fast version must
     * give the same tokens for every input.
     */
    static final class Reference {
        static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

        static long exact(String kind, String value) {
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
            return h1 ^ Long.rotateLeft(h2, 29);
        }

        static List<String> words(String text) {
            String cut = text.length() > 1024 ? text.substring(0, 1024) : text;
            Set<String> out = new LinkedHashSet<>();
            for (String w : NON_WORD.split(cut.toLowerCase(Locale.ROOT))) {
                if (!w.isEmpty()) {
                    out.add(w.length() > 100 ? w.substring(0, 100) : w);
                }
            }
            return new ArrayList<>(out);
        }
    }

    private static final String[] PIECES = {"a", "Z", "7", " ", ".", "_", "-", "é", "É", "İ", "ß", "日本", "٣", "Ⅻ",
            "½", "😀", "\uD800", "\uDC00", "\t", "\u0000", "llm.call", "HTTP", "x", "ǅ", "Σ", "ς", "\u0301"};

    private static String randomText(Random r, int maxPieces) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxPieces + 1);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void exactTermHashes_areTheOnesExistingDatabasesHold() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            String key = randomText(r, 6);
            String value = randomText(r, 12);
            assertThat(SearchTerms.attribute(key, value)).isEqualTo(Reference.exact("attr", key + '\u0000' + value));
            assertThat(SearchTerms.spanName(value)).isEqualTo(Reference.exact("name", value));
            assertThat(SearchTerms.model(value)).isEqualTo(Reference.exact("model", value));
            assertThat(SearchTerms.primitive(value)).isEqualTo(Reference.exact("primitive", value));
        }
        assertThat(SearchTerms.statusOk()).isEqualTo(Reference.exact("status", "OK"));
        assertThat(SearchTerms.token('x', SearchTerms.statusOk())).matches("x[0-9a-f]{16}");
        assertThat(SearchTerms.token('=', 0x1fL)).isEqualTo("=000000000000001f");
    }

    @Test
    void words_areTheRunsOfLettersAndDigits_lowerCased_asTheRegexSplit() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String text = randomText(r, 20);
            assertThat(SearchTerms.queryWords(text)).as("words of %s", text).isEqualTo(Reference.words(text));
        }
        String longWord = "a".repeat(150);
        assertThat(SearchTerms.queryWords("Say " + longWord + " twice " + longWord.toUpperCase()))
                .containsExactly("say", "a".repeat(100), "twice");
        assertThat(SearchTerms.queryWords("x".repeat(1019) + " tail-word-cut")).containsExactly("x".repeat(100), "tail");
    }

    @Test
    void aChunk_holdsItsNamesAttributesModelsStatusAndWords_once() {
        Span llm = Fixtures.span(1, 1, 0, "llm.call")
                .attributes(Attributes.builder().put("gen_ai.request.model", "gpt-4o").put("http.status_code", 500L)
                        .put("prompt", "Plan the Trip, then plan the trip").build())
                .status(StatusCode.OK, "").build();
        Span root = Fixtures.span(1, 0, null, "workflow").build();
        SearchTerms.Chunk chunk = SearchTerms.forChunk(List.of(root, llm, llm), List.of("llm"));

        assertThat(chunk.exact()).containsExactlyInAnyOrder(
                SearchTerms.primitive("llm"), SearchTerms.spanName("workflow"), SearchTerms.spanName("llm.call"),
                SearchTerms.attribute("gen_ai.request.model", "gpt-4o"), SearchTerms.model("gpt-4o"),
                SearchTerms.modelFamily("gpt-4o"), SearchTerms.attribute("http.status_code", "500"),
                SearchTerms.attribute("prompt", "Plan the Trip, then plan the trip"), SearchTerms.statusOk());
        assertThat(chunk.words()).containsExactly("workflow", "checkout", "llm", "call", "gpt", "4o", "plan", "the",
                "trip", "then");
        String row = chunk.text('x');
        assertThat(row).startsWith(SearchTerms.token('x', SearchTerms.primitive("llm")) + " ").endsWith("then ");
        assertThat(chunk.tokens('=')).hasSize(chunk.exact().length + chunk.words().size())
                .contains(SearchTerms.token('=', SearchTerms.statusOk()), "trip");
    }

    @Test
    void aModelFilter_searchesTheFamilyForAFamilyName_andTheExactNameOtherwise() {
        Span dated = Fixtures.span(1, 1, 0, "llm").attributes(Attributes.builder()
                .put("gen_ai.response.model", "claude-3-5-sonnet-20241022").build()).build();
        long[] exact = SearchTerms.forChunk(List.of(dated), List.of()).exact();

        assertThat(exact).contains(SearchTerms.modelFilter("claude-3-5-sonnet"),
                SearchTerms.modelFilter("Claude-3-5-Sonnet "), SearchTerms.modelFilter("claude-3-5-sonnet-20241022"));
        assertThat(exact).doesNotContain(SearchTerms.modelFilter("claude-3-5-sonnet-20240620"),
                SearchTerms.modelFilter("claude-3-5"));
    }

    @Test
    void aChunkOfManySpans_hashesEveryAttributeAsOnItsOwn_whateverTheKeysRepeatOrCollide() {
        // a chunk remembers each key's hash state; 300 keys over 64 slots overwrite one another,
        // and keys equal but not the same string must hash alike
        Random r = new Random(11);
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            keys.add(k % 3 == 0 ? randomText(r, 5) : "key." + k);
        }
        List<Span> spans = new ArrayList<>();
        Set<Long> expected = new LinkedHashSet<>();
        for (int s = 0; s < 200; s++) {
            Attributes.Builder a = Attributes.builder();
            for (int i = 0; i < 12; i++) {
                String key = new String(keys.get(r.nextInt(s < 100 ? 20 : keys.size())).toCharArray());
                if (r.nextBoolean()) {
                    long v = r.nextLong() >> r.nextInt(64);
                    a.put(key, v);
                } else {
                    a.put(key, randomText(r, 4));
                }
            }
            Span span = Fixtures.span(1, s, null, "op-" + (s % 7)).attributes(a.build()).build();
            spans.add(span);
            expected.add(SearchTerms.spanName(span.name()));
            span.attributes().asMap().forEach((k, v) -> expected.add(SearchTerms.attribute(k, v.asText())));
        }
        assertThat(SearchTerms.forChunk(spans, List.of()).exact()).containsExactlyInAnyOrder(
                expected.stream().mapToLong(Long::longValue).toArray());
    }

    @Test
    void tokens_areThePrefixAndSixteenHexDigits() {
        Random r = new Random(3);
        for (int i = 0; i < 1_000; i++) {
            long h = r.nextLong();
            assertThat(SearchTerms.token('x', h)).isEqualTo("x" + String.format("%016x", h));
        }
    }

    @Test
    void numberValues_hashLikeTheirDecimalText() {
        java.util.Random random = new java.util.Random(7);
        List<Long> values = new ArrayList<>(List.of(0L, 7L, 9L, 10L, 99L, 100L, -1L, -10L, Long.MAX_VALUE,
                Long.MIN_VALUE, Long.MIN_VALUE + 1, 1_000_000_000_000_000_000L));
        for (int i = 0; i < 2_000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long v : values) {
            Span span = Fixtures.span(1, 0, null, "n").attributes(Attributes.builder().put("count", v).build()).build();
            assertThat(SearchTerms.forChunk(List.of(span), List.of()).exact())
                    .as("value %d", v).contains(SearchTerms.attribute("count", Long.toString(v)));
        }
    }

    @Test
    void wordsStopAtTheChunkBudget() {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder value = new StringBuilder();
            for (int w = 0; w < 100; w++) {
                value.append("w").append(i).append('x').append(w).append(' ');
            }
            spans.add(Fixtures.span(2, i, null, "s")
                    .attributes(Attributes.builder().put("text", value.toString()).build()).build());
        }
        List<String> words = SearchTerms.forChunk(spans, List.of()).words();
        int chars = words.stream().mapToInt(w -> w.length() + 1).sum();
        assertThat(chars).isBetween(SearchTerms.MAX_WORD_BUDGET_CHARS, SearchTerms.MAX_WORD_BUDGET_CHARS + 110);
        assertThat(words).contains("w0x0").doesNotContain("w199x99");
    }
}
