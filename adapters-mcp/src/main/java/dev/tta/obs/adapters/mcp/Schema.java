package dev.tta.obs.adapters.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a tool's input JSON schema: an object of named, described properties. */
final class Schema {
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    Schema string(String name, String description) {
        return prop(name, "string", description);
    }

    Schema required(String name, String description) {
        required.add(name);
        return prop(name, "string", description);
    }

    Schema integer(String name, String description, int min, int max) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "integer");
        p.put("description", description);
        p.put("minimum", min);
        p.put("maximum", max);
        properties.put(name, p);
        return this;
    }

    Schema limit(Limit limit) {
        return integer("limit", limit.counts() + " (default " + limit.defaultLimit() + ")", 1, limit.maxLimit());
    }

    /** {@code limit} and {@code cursor}, the arguments of a tool whose answer comes in pages. */
    Schema page(Limit limit) {
        return limit(limit).string("cursor", "the cursor a previous page ended with");
    }

    Schema number(String name, String description) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "number");
        p.put("description", description);
        p.put("minimum", 0);
        properties.put(name, p);
        return this;
    }

    /** A number of either sign. */
    Schema signedNumber(String name, String description) {
        return prop(name, "number", description);
    }

    Schema bool(String name, String description) {
        return prop(name, "boolean", description);
    }

    Schema choice(String name, String description, String... values) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "string");
        p.put("description", description);
        p.put("enum", List.of(values));
        properties.put(name, p);
        return this;
    }

    /** Every tool takes {@code format}: compact text (default) or the same facts as JSON. */
    Map<String, Object> build() {
        choice("format", "text (default, compact) or json (the same facts as data)", "text", "json");
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "object");
        s.put("properties", properties);
        if (!required.isEmpty()) {
            s.put("required", required);
        }
        s.put("additionalProperties", false);
        return s;
    }

    private Schema prop(String name, String type, String description) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", type);
        p.put("description", description);
        properties.put(name, p);
        return this;
    }
}
