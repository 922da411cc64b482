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
