package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.Span;
import dev.tta.obs.ports.contract.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpanCodecTest {

    /** Every field and value type, a second trace's spans mixed in, and a span that ends before it starts. */
    private static List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        spans.add(Fixtures.fullSpan(7));
        spans.addAll(Fixtures.trace(7, 3, "v1-root"));
        return spans;
    }

    @Test
    void roundTrip_keepsEveryField_ofOneTraceAndOfMixedTraces() {
        List<Span> oneTrace = spans();
        assertThat(SpanCodec.decode(SpanCodec.encode(oneTrace))).isEqualTo(oneTrace);

        List<Span> mixed = new ArrayList<>(oneTrace);
        mixed.addAll(Fixtures.trace(8, 2, "other-trace"));
        mixed.add(Fixtures.span(9, 1, null, "ends-before-it-starts")
                .start(Fixtures.T0 + 5 * Fixtures.MS).end(Fixtures.T0).build());
        mixed.add(Fixtures.span(9, 2, null, "at-zero").start(0).end(Long.MAX_VALUE).build());
        assertThat(SpanCodec.decode(SpanCodec.encode(mixed))).isEqualTo(mixed);
        assertThat(SpanCodec.decode(SpanCodec.encode(List.of()))).isEmpty();
    }

    @Test
    void blobsWrittenInFormat1_stillRead() throws Exception {
        // written by format 1's encoder (tta-obs before format 2) from the same spans
        byte[] format1;
        try (InputStream in = SpanCodecTest.class.getResourceAsStream("spans-format-1.bin")) {
            format1 = in.readAllBytes();
        }
        assertThat(format1[0]).isEqualTo((byte) 1);
        assertThat(SpanCodec.decode(format1)).isEqualTo(spans());
    }

    @Test
    void format2_writesRepeatedKeysNamesAndTheTraceIdOnce() {
        String key = "app.a_long_attribute_key_every_span_has";
        List<Span> trace = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            trace.add(Fixtures.span(5, i, i == 0 ? null : 0, "same-step-name")
                    .attributes(dev.tta.obs.domain.Attributes.builder().put(key, "v" + i).build()).build());
        }
        byte[] blob = SpanCodec.encode(trace);
        assertThat(blob[0]).isEqualTo((byte) 2);
        assertThat(occurrences(blob, key.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(occurrences(blob, "same-step-name".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(occurrences(blob, Fixtures.traceId(5).toBytes())).isEqualTo(1);
        assertThat(SpanCodec.decode(blob)).isEqualTo(trace);
    }

    @Test
    void strings_ofEveryLengthAndScript_readBackAsWritten_andTheBytesAreUtf8() {
        // lengths around the one- and two-byte length prefixes, and non-ASCII text at the start,
        // the middle and the end of a string
        String[] values = {"", "a", "x".repeat(127), "x".repeat(128), "x".repeat(16_383), "x".repeat(16_384),
            "y".repeat(100_000), "é", "café au lait", "é".repeat(200), "日本語のテキスト", "emoji 🙂 end",
            "x".repeat(127) + "é", "\ud800 unpaired"};
        List<Span> trace = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            trace.add(Fixtures.span(6, i, i == 0 ? null : 0, values[i].isEmpty() ? "empty" : values[i])
                    .attributes(dev.tta.obs.domain.Attributes.builder().put("v." + i, values[i]).build()).build());
        }
        byte[] blob = SpanCodec.encode(trace);
        List<Span> back = SpanCodec.decode(blob);
        for (int i = 0; i < values.length; i++) {
            String expected = new String(values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(back.get(i).attributes().getString("v." + i)).contains(expected);
        }
        assertThat(occurrences(blob, "café au lait".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(2);
        // the same blob from a second encoding on this thread, whose buffer is reused
        assertThat(SpanCodec.encode(trace)).isEqualTo(blob);
        assertThat(SpanCodec.decode(SpanCodec.encode(List.of(trace.get(1))))).containsExactly(trace.get(1));
    }

    private static int occurrences(byte[] haystack, byte[] needle) {
        int count = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void countNames_matchesTheDecodedSpans_inBothFormats() throws Exception {
        byte[] format1;
        try (InputStream in = SpanCodecTest.class.getResourceAsStream("spans-format-1.bin")) {
            format1 = in.readAllBytes();
        }
        List<Span> mixed = new ArrayList<>(spans());
        mixed.addAll(Fixtures.trace(8, 2, "other-trace"));
        for (byte[] blob : List.of(format1, SpanCodec.encode(spans()), SpanCodec.encode(mixed))) {
            java.util.Map<String, Integer> expected = new java.util.HashMap<>();
            SpanCodec.decode(blob).forEach(s -> expected.merge(s.name(), 1, Integer::sum));
            java.util.Map<String, Integer> counted = new java.util.HashMap<>();
            SpanCodec.countNames(blob, counted);
            assertThat(counted).isEqualTo(expected).containsEntry("llm.call", 1).containsEntry("v1-root", 1);
        }
    }

    @Test
    void aBlobFromANewerFormat_failsWithAMessageThatSaysSo() {
        assertThatThrownBy(() -> SpanCodec.decode(new byte[] {9, 0, 0, 0}))
                .hasMessageContaining("format 9").hasMessageContaining("upgrade tta-obs");
    }
}
