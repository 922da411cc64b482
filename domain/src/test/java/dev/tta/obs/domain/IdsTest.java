package dev.tta.obs.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdsTest {
    @Test
    void hexIds_areLowerCasedAndRoundTripThroughBytes() {
        TraceId id = TraceId.of("0AF7651916CD43DD8448EB211C80319C");
        assertThat(id.hex()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(TraceId.fromBytes(id.toBytes())).isEqualTo(id);
        SpanId span = SpanId.of("b7ad6b7169203331");
        assertThat(SpanId.fromBytes(span.toBytes())).isEqualTo(span);
    }

    @Test
    void idsFromBytesAndFromHex_areEqual_hashAlike_andSortAsTheirHex() {
        java.util.Random r = new java.util.Random(9);
        java.util.List<TraceId> traces = new java.util.ArrayList<>();
        java.util.List<SpanId> spans = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] t = new byte[16];
            byte[] s = new byte[8];
            r.nextBytes(t);
            r.nextBytes(s);
            if (i % 5 == 0) {
                // high bytes zero or with the sign bit set: unsigned order must hold
                t[0] = (byte) (i % 10 == 0 ? 0 : 0xff);
                s[0] = (byte) (i % 10 == 0 ? 0 : 0x80);
            }
            TraceId trace = TraceId.fromBytes(t);
            SpanId span = SpanId.fromBytes(s);
            assertThat(trace.hex()).isEqualTo(java.util.HexFormat.of().formatHex(t));
            assertThat(span.hex()).isEqualTo(java.util.HexFormat.of().formatHex(s));
            assertThat(TraceId.of(trace.hex().toUpperCase())).isEqualTo(trace).hasSameHashCodeAs(trace);
            assertThat(SpanId.of(span.hex())).isEqualTo(span).hasSameHashCodeAs(span);
            assertThat(trace.toBytes()).isEqualTo(t);
            assertThat(span.toBytes()).isEqualTo(s);
            traces.add(trace);
            spans.add(span);
        }
        for (int i = 1; i < traces.size(); i++) {
            assertThat(Integer.signum(traces.get(i).compareTo(traces.get(i - 1))))
                    .isEqualTo(Integer.signum(traces.get(i).hex().compareTo(traces.get(i - 1).hex())));
            assertThat(Integer.signum(spans.get(i).compareTo(spans.get(i - 1))))
                    .isEqualTo(Integer.signum(spans.get(i).hex().compareTo(spans.get(i - 1).hex())));
        }
        assertThatThrownBy(() -> SpanId.fromBytes(new byte[8])).hasMessageContaining("all zeros");
        assertThatThrownBy(() -> TraceId.fromBytes(new byte[16])).hasMessageContaining("all zeros");
    }

    @Test
    void wrongLengthNonHexAndAllZeroIds_areRefusedWithAReason() {
        assertThatThrownBy(() -> TraceId.of("abc")).isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("32 hex characters");
        assertThatThrownBy(() -> SpanId.of("zzzzzzzzzzzzzzzz")).hasMessageContaining("not hex");
        assertThatThrownBy(() -> SpanId.of("0000000000000000")).hasMessageContaining("all zeros");
        // base64 of 16 bytes is 24 characters: the classic OTLP/JSON mistake
        assertThatThrownBy(() -> TraceId.of("CvdlGRbNQ92ESOshHIAxnA==")).hasMessageContaining("32 hex characters");
    }

    @Test
    void attributes_readNumbersAndBooleansWhateverTypeTheExporterChose() {
        Attributes a = Attributes.builder().put("n", "42").put("d", 2.0).put("b", "true").put("x", "nope").build();
        assertThat(a.getLong("n")).contains(42L);
        assertThat(a.getLong("d")).contains(2L);
        assertThat(a.getBoolean("b")).contains(true);
        assertThat(a.getLong("x")).isEmpty();
        assertThat(a.getLong("missing")).isEmpty();
    }

    @Test
    void attributes_findEveryKeyTheyHold_andNoneTheyDoNot() {
        java.util.Random random = new java.util.Random(42);
        for (int size : new int[] {1, 3, 10, 64, 300}) {
            Attributes.Builder b = Attributes.builder();
            java.util.Set<String> keys = new java.util.HashSet<>();
            while (keys.size() < size) {
                String key = "k." + Long.toString(random.nextLong(), 36);
                keys.add(key);
                b.put(key, key.length());
            }
            Attributes a = b.build();
            for (String key : keys) {
                assertThat(a.getLong(key)).contains((long) key.length());
                assertThat(a.get(key)).isPresent();
            }
            for (int i = 0; i < 1_000; i++) {
                String absent = "absent." + i;
                assertThat(a.get(absent)).isEmpty();
                assertThat(a.getString(absent)).isEmpty();
            }
        }
    }
}
