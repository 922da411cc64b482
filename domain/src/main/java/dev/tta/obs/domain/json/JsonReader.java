package dev.tta.obs.domain.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small, lenient JSON reader for attribute values that instrumentations serialise as JSON
 * (message lists, Langfuse usage maps). Telemetry is untrusted input: a malformed or hostile value
 * yields {@link Optional#empty()}, never an exception, and nesting and size are bounded.
 *
 * <p>Values map to {@code Map<String, Object>} (insertion ordered), {@code List<Object>},
 * {@code String}, {@code Long} or {@code Double}, {@code Boolean}, and {@link #NULL}.
 */
public final class JsonReader {
    /** JSON {@code null}: a real value, so maps and lists never hold Java nulls. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final int MAX_DEPTH = 64;
    private static final int MAX_LENGTH = 4 * 1024 * 1024;

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    public static Optional<Object> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        JsonReader reader = new JsonReader(text);
        try {
            Object value = reader.value(0);
            reader.skipWhitespace();
            return reader.pos == text.length() ? Optional.of(value) : Optional.empty();
        } catch (Malformed | RuntimeException e) {
            // any surprise in untrusted input means "not JSON we understand", never a crash
            return Optional.empty();
        }
    }

    /** The object at the top level, or empty if the text is not a JSON object. */
    public static Optional<Map<String, Object>> parseObject(String text) {
        return parse(text).flatMap(JsonReader::asObject);
    }

    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> asObject(Object value) {
        return value instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    public static Optional<List<Object>> asList(Object value) {
        return value instanceof List<?> l ? Optional.of((List<Object>) l) : Optional.empty();
    }

    public static Optional<String> asString(Object value) {
        return value instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** A number from a JSON number or a numeric string. */
    public static Optional<Double> asNumber(Object value) {
        if (value instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        if (value instanceof String s) {
            try {
                return Optional.of(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Renders a parsed value back as compact JSON, e.g. tool-call arguments for display. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    private static void write(Object value, StringBuilder sb) {
        if (value instanceof String s) {
            quote(s, sb);
        } else if (value instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(String.valueOf(e.getKey()), sb);
                sb.append(':');
                write(e.getValue(), sb);
            }
            sb.append('}');
        } else if (value instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(l.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(value);
        }
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private Object value(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed();
        }
        skipWhitespace();
        if (pos >= text.length()) {
            throw new Malformed();
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) throws Malformed {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw new Malformed();
            }
            String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value(depth + 1));
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return Collections.unmodifiableMap(map);
            }
            if (c != ',') {
                throw new Malformed();
            }
        }
    }

    private List<Object> array(int depth) throws Malformed {
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            list.add(value(depth + 1));
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return Collections.unmodifiableList(list);
            }
            if (c != ',') {
                throw new Malformed();
            }
        }
    }

    private String string() throws Malformed {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw new Malformed();
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new Malformed();
                        }
                        pos += 4;
                    }
                    default -> throw new Malformed();
                }
            } else {
                sb.append(c);
            }
        }
    }

    private Object number() throws Malformed {
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String token = text.substring(start, pos);
        if (token.isEmpty()) {
            throw new Malformed();
        }
        try {
            if (token.indexOf('.') < 0 && token.indexOf('e') < 0 && token.indexOf('E') < 0) {
                return Long.parseLong(token);
            }
            double d = Double.parseDouble(token);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new Malformed();
            }
            return d;
        } catch (NumberFormatException e) {
            try {
                // an integer beyond long range is still a number
                return Double.parseDouble(token);
            } catch (NumberFormatException e2) {
                throw new Malformed();
            }
        }
    }

    private Object literal(String word, Object value) throws Malformed {
        if (!text.startsWith(word, pos)) {
            throw new Malformed();
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() throws Malformed {
        if (pos >= text.length()) {
            throw new Malformed();
        }
        return text.charAt(pos);
    }

    private char next() throws Malformed {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) throws Malformed {
        if (next() != c) {
            throw new Malformed();
        }
    }

    /** Control flow for bad input; no stack trace, it is expected and cheap. */
    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
