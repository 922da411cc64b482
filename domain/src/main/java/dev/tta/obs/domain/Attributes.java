package dev.tta.obs.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An immutable, insertion-ordered set of key/value attributes. */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<String, AttributeValue> values;
    /**
     * Bits of the keys' hashes: most lookups on the ingest path are for keys a span does not have
     * (classifying a span asks for ~60 well-known keys), and a clear bit answers those without a
     * map lookup.
     */
    private final long keyBits;

    private Attributes(Map<String, AttributeValue> values) {
        this.values = values;
        long bits = 0;
        for (String key : values.keySet()) {
            bits |= bit(key);
        }
        this.keyBits = bits;
    }

    /** Two bits per key (a 64-bit Bloom filter): with 10 keys, ~7% of absent keys get past it, not ~15%. */
    private static long bit(String key) {
        int h = key.hashCode();
        return (1L << (h ^ (h >>> 16))) | (1L << ((h * 0x9E3779B9) >>> 26));
    }

    private AttributeValue value(String key) {
        long b = bit(key);
        return (keyBits & b) != b ? null : values.get(key);
    }

    public static Attributes empty() {
        return EMPTY;
    }

    public static Attributes of(Map<String, AttributeValue> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        return new Attributes(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    /**
     * Takes ownership of a map the caller built and will never touch again, without the defensive
     * copy {@link #of} makes: decoding a span's attributes is on the ingest hot path.
     */
    public static Attributes ofOwned(LinkedHashMap<String, AttributeValue> values) {
        return values.isEmpty() ? EMPTY : new Attributes(Collections.unmodifiableMap(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, AttributeValue> asMap() {
        return values;
    }

    public int size() {
        return values.size();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public Optional<AttributeValue> get(String key) {
        return Optional.ofNullable(value(key));
    }

    public Optional<String> getString(String key) {
        AttributeValue v = value(key);
        return v == null ? Optional.empty() : Optional.of(v.asText());
    }

    /** A long from a long, a double or a numeric string: exporters are not consistent about it. */
    public Optional<Long> getLong(String key) {
        AttributeValue v = value(key);
        if (v instanceof AttributeValue.LongValue l) {
            return Optional.of(l.value());
        }
        if (v instanceof AttributeValue.DoubleValue d && !Double.isNaN(d.value())) {
            return Optional.of((long) d.value());
        }
        if (v instanceof AttributeValue.StringValue s) {
            try {
                return Optional.of(Long.parseLong(s.value().trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public Optional<Double> getDouble(String key) {
        AttributeValue v = value(key);
        if (v instanceof AttributeValue.DoubleValue d) {
            return Optional.of(d.value());
        }
        if (v instanceof AttributeValue.LongValue l) {
            return Optional.of((double) l.value());
        }
        if (v instanceof AttributeValue.StringValue s) {
            try {
                return Optional.of(Double.parseDouble(s.value().trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** A boolean from a bool or the strings "true"/"false". */
    public Optional<Boolean> getBoolean(String key) {
        AttributeValue v = value(key);
        if (v instanceof AttributeValue.BoolValue b) {
            return Optional.of(b.value());
        }
        if (v instanceof AttributeValue.StringValue s) {
            String t = s.value().trim();
            if (t.equalsIgnoreCase("true")) {
                return Optional.of(true);
            }
            if (t.equalsIgnoreCase("false")) {
                return Optional.of(false);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    public static final class Builder {
        private final LinkedHashMap<String, AttributeValue> values = new LinkedHashMap<>();

        public Builder put(String key, AttributeValue value) {
            values.put(key, value);
            return this;
        }

        public Builder put(String key, String value) {
            return put(key, AttributeValue.of(value));
        }

        public Builder put(String key, long value) {
            return put(key, AttributeValue.of(value));
        }

        public Builder put(String key, double value) {
            return put(key, AttributeValue.of(value));
        }

        public Builder put(String key, boolean value) {
            return put(key, AttributeValue.of(value));
        }

        public int size() {
            return values.size();
        }

        public Attributes build() {
            return Attributes.of(values);
        }
    }
}
