package dev.tta.obs.domain.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonReaderTest {

    @Test
    void parsesNestedObjectsListsAndScalars() {
        Object v = JsonReader.parse("{\"a\":[1,2.5,\"x\\n\\u00e9\",true,null],\"b\":{\"c\":-3e2}}").orElseThrow();
        Map<String, Object> m = JsonReader.asObject(v).orElseThrow();
        List<Object> a = JsonReader.asList(m.get("a")).orElseThrow();
        assertThat(a).containsExactly(1L, 2.5, "x\né", true, JsonReader.NULL);
        assertThat(JsonReader.asObject(m.get("b")).orElseThrow().get("c")).isEqualTo(-300.0);
    }

    @Test
    void malformedInputGivesEmptyInsteadOfThrowing() {
        for (String bad : List.of("", "{", "[1,", "{\"a\" 1}", "{\"a\":}", "nul", "\"unterminated", "[1] trailing",
                "{\"a\":\"\\u12\"}", "{\"a\":1,}", "--1", "[" + "[".repeat(200) + "]".repeat(200) + "]")) {
            assertThat(JsonReader.parse(bad)).as(bad).isEmpty();
        }
        assertThat(JsonReader.parse(null)).isEmpty();
    }

    @Test
    void writeRoundTripsParsedValues() {
        String text = "{\"q\":\"a\\\"b\",\"n\":[1,true]}";
        assertThat(JsonReader.write(JsonReader.parse(text).orElseThrow())).isEqualTo(text);
    }
}
