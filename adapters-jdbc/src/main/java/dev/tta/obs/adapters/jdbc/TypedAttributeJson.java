package dev.tta.obs.adapters.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Attributes as JSON text that keeps their OpenTelemetry types ({@code {"k": {"t": "int", "v": 1}}}).
 * Keys are written sorted so the text of two equal attribute sets is equal: the metric series key.
 */
public final class TypedAttributeJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TypedAttributeJson() {
    }

    public static String write(Attributes attributes) {
        return object(attributes).toString();
    }

    public static String write(AttributeValue value) {
        return node(value).toString();
    }

    private static ObjectNode object(Attributes attributes) {
        ObjectNode o = NODES.objectNode();
        new TreeMap<>(attributes.asMap()).forEach((k, v) -> o.set(k, node(v)));
        return o;
    }

    private static ObjectNode node(AttributeValue v) {
        ObjectNode n = NODES.objectNode();
        if (v instanceof AttributeValue.StringValue s) {
            n.put("t", "s").put("v", s.value());
        } else if (v instanceof AttributeValue.BoolValue b) {
            n.put("t", "b").put("v", b.value());
        } else if (v instanceof AttributeValue.LongValue l) {
            n.put("t", "i").put("v", l.value());
        } else if (v instanceof AttributeValue.DoubleValue d) {
            // NaN and infinities are not JSON numbers
            n.put("t", "d").put("v", Double.toString(d.value()));
        } else if (v instanceof AttributeValue.BytesValue b) {
            n.put("t", "y").put("v", Base64.getEncoder().encodeToString(b.value()));
        } else if (v instanceof AttributeValue.ArrayValue a) {
            ArrayNode items = NODES.arrayNode();
            a.values().forEach(e -> items.add(node(e)));
            n.put("t", "a").set("v", items);
        } else if (v instanceof AttributeValue.MapValue m) {
            n.put("t", "m").set("v", object(m.values()));
        }
        return n;
    }

    public static Attributes readAttributes(String text) {
        return attributes(parse(text));
    }

    public static AttributeValue readValue(String text) {
        return value(parse(text));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Attributes attributes(JsonNode o) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> map.put(e.getKey(), value(e.getValue())));
        return Attributes.of(map);
    }

    private static AttributeValue value(JsonNode n) {
        JsonNode v = n.get("v");
        return switch (n.get("t").asText()) {
            case "b" -> new AttributeValue.BoolValue(v.asBoolean());
            case "i" -> new AttributeValue.LongValue(v.asLong());
            case "d" -> new AttributeValue.DoubleValue(Double.parseDouble(v.asText()));
            case "y" -> new AttributeValue.BytesValue(Base64.getDecoder().decode(v.asText()));
            case "a" -> {
                List<AttributeValue> items = new ArrayList<>();
                v.forEach(e -> items.add(value(e)));
                yield new AttributeValue.ArrayValue(items);
            }
            case "m" -> new AttributeValue.MapValue(attributes(v));
            default -> new AttributeValue.StringValue(v.asText());
        };
    }
}
