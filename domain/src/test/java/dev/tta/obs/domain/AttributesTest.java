package dev.tta.obs.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttributesTest {

    /**
     * Attributes behave as the insertion-ordered map they replaced: the same lookups, order, equality
     * and hash, for small sets (scanned) and large ones (indexed), with repeated keys replacing
     * values in place.
     */
    @Test
    void behaveAsALinkedHashMap_forSmallAndLargeSets_withRepeatedKeys() {
        Random r = new Random(5);
        for (int round = 0; round < 500; round++) {
            int puts = r.nextInt(round % 10 == 0 ? 200 : 25);
            int keySpace = 1 + r.nextInt(60);
            LinkedHashMap<String, AttributeValue> expected = new LinkedHashMap<>();
            Attributes.Builder builder = Attributes.builder(r.nextInt(4));
            for (int i = 0; i < puts; i++) {
                // equal keys arrive as different string objects, as decoders make them
                String key = new String(("k" + r.nextInt(keySpace)).toCharArray());
                AttributeValue value = r.nextBoolean() ? AttributeValue.of(r.nextLong()) : AttributeValue.of("v" + r.nextInt(5));
                expected.put(key, value);
                builder.put(key, value);
            }
            Attributes a = builder.build();
            assertThat(a.size()).isEqualTo(expected.size());
            assertThat(new ArrayList<>(a.asMap().entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
            assertThat(a.asMap()).isEqualTo(expected);
            assertThat(a.hashCode()).isEqualTo(expected.hashCode());
            assertThat(a).isEqualTo(Attributes.of(expected));
            List<String> keys = new ArrayList<>(expected.keySet());
            for (int i = 0; i < keys.size(); i++) {
                assertThat(a.keyAt(i)).isEqualTo(keys.get(i));
                assertThat(a.valueAt(i)).isEqualTo(expected.get(keys.get(i)));
            }
            for (int k = 0; k < 70; k++) {
                String key = "k" + k;
                assertThat(a.get(key)).isEqualTo(Optional.ofNullable(expected.get(key)));
                assertThat(a.asMap().containsKey(key)).isEqualTo(expected.containsKey(key));
            }
        }
    }

    @Test
    void equality_ignoresOrder_andSeesEveryValue() {
        Attributes ab = Attributes.builder().put("a", 1L).put("b", "x").build();
        Attributes ba = Attributes.builder().put("b", "x").put("a", 1L).build();
        Attributes other = Attributes.builder().put("a", 1L).put("b", "y").build();
        assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba).isNotEqualTo(other);
        assertThat(ab.toString()).isEqualTo("{a=LongValue[value=1], b=StringValue[value=x]}");
    }

    @Test
    void aBuiltSet_doesNotChange_whenItsBuilderGoesOn_andCannotBeChangedThroughItsMap() {
        Attributes.Builder builder = Attributes.builder().put("a", 1L);
        Attributes first = builder.build();
        builder.put("a", 2L).put("b", 3L);
        assertThat(first.asMap()).isEqualTo(Map.of("a", AttributeValue.of(1L)));
        assertThat(builder.build().getLong("a")).contains(2L);
        assertThatThrownBy(() -> first.asMap().put("c", AttributeValue.of(1L)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.keyAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
