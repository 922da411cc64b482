package dev.tta.obs.domain;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, insertion-ordered set of key/value attributes.
 *
 * <p>Kept as two parallel arrays, not a map: a span has ~10 attributes and every exported span
 * builds one of these, so it is two arrays instead of a map's table and an entry object per
 * attribute, and reading them in order (encoding, search terms) needs no iterator. Lookups scan the
 * keys (after a Bloom filter); sets larger than {@link #INDEXED_ABOVE} get a hash index.
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(new String[0], new AttributeValue[0]);
    private static final int INDEXED_ABOVE = 16;

    private final String[] keys;
    private final AttributeValue[] values;
    private final int size;
    /**
     * Bits of the keys' hashes: most lookups on the ingest path are for keys a span does not have
     * (classifying a span asks for ~60 well-known keys), and a clear bit answers those without a
     * scan.
     */
    private final long keyBits;
    /** Position by key, for large sets only. */
    private final Map<String, Integer> index;
    private Map<String, AttributeValue> mapView;
    private int hash;

    /** Takes the arrays as they are: keys distinct, both of one length. */
    private Attributes(String[] keys, AttributeValue[] values) {
        this(keys, values, bits(keys, keys.length));
    }

    /** @param keyBits {@link #bit} of every key, or-ed */
    private Attributes(String[] keys, AttributeValue[] values, long keyBits) {
        this.keys = keys;
        this.values = values;
        this.size = keys.length;
        this.keyBits = keyBits;
        if (size > INDEXED_ABOVE) {
            Map<String, Integer> byKey = new HashMap<>(size * 2);
            for (int i = 0; i < size; i++) {
                byKey.put(keys[i], i);
            }
            this.index = byKey;
        } else {
            this.index = null;
        }
    }

    /** Two bits per key (a 64-bit Bloom filter): with 10 keys, ~7% of absent keys get past it, not ~15%. */
    private static long bit(String key) {
        int h = key.hashCode();
        return (1L << (h ^ (h >>> 16))) | (1L << ((h * 0x9E3779B9) >>> 26));
    }

    private static long bits(String[] keys, int size) {
        long bits = 0;
        for (int i = 0; i < size; i++) {
            bits |= bit(keys[i]);
        }
        return bits;
    }

    private int indexOf(String key) {
        long b = bit(key);
        return (keyBits & b) != b ? -1 : find(keys, size, index, key);
    }

    /** Where {@code key} is among the first {@code size} keys: by the index when there is one, else by a scan. */
    private static int find(String[] keys, int size, Map<String, Integer> index, String key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        int h = key.hashCode();
        for (int i = 0; i < size; i++) {
            String k = keys[i];
            if (k == key || (k.hashCode() == h && k.equals(key))) {
                return i;
            }
        }
        return -1;
    }

    private AttributeValue value(String key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    public static Attributes empty() {
        return EMPTY;
    }

    public static Attributes of(Map<String, AttributeValue> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        String[] k = new String[values.size()];
        AttributeValue[] v = new AttributeValue[values.size()];
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : values.entrySet()) {
            k[i] = Objects.requireNonNull(e.getKey(), "attribute key");
            v[i] = Objects.requireNonNull(e.getValue(), "attribute value");
            i++;
        }
        return new Attributes(k, v);
    }

    /** The key of the {@code i}th attribute, in insertion order; iterating by index costs no iterator. */
    public String keyAt(int i) {
        Objects.checkIndex(i, size);
        return keys[i];
    }

    /** The value of the {@code i}th attribute, in insertion order. */
    public AttributeValue valueAt(int i) {
        Objects.checkIndex(i, size);
        return values[i];
    }

    public static Builder builder() {
        return new Builder(8);
    }

    /** A builder sized for {@code expectedSize} attributes. */
    public static Builder builder(int expectedSize) {
        return new Builder(Math.max(1, expectedSize));
    }

    /** An unmodifiable map view, in insertion order. */
    public Map<String, AttributeValue> asMap() {
        Map<String, AttributeValue> m = mapView;
        if (m == null) {
            m = new MapView();
            mapView = m;
        }
        return m;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
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

    /** Equal when they hold the same keys with equal values, in any order (as two maps are). */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Attributes other) || other.size != size || other.hashCode() != hashCode()) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!values[i].equals(other.value(keys[i]))) {
                return false;
            }
        }
        return true;
    }

    /** The hash a map with these entries has; kept, since resources and scopes are map keys on the ingest path. */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0 && size > 0) {
            for (int i = 0; i < size; i++) {
                h += keys[i].hashCode() ^ values[i].hashCode();
            }
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    private final class MapView extends AbstractMap<String, AttributeValue> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String k && indexOf(k) >= 0;
        }

        @Override
        public AttributeValue get(Object key) {
            return key instanceof String k ? value(k) : null;
        }

        @Override
        public Set<Entry<String, AttributeValue>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Entry<String, AttributeValue>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < size;
                        }

                        @Override
                        public Entry<String, AttributeValue> next() {
                            if (next >= size) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }
            };
        }
    }

    /**
     * Collects attributes in order; putting a key again replaces its value in place, as a
     * {@code LinkedHashMap} would.
     */
    public static final class Builder {
        private String[] keys;
        private AttributeValue[] values;
        private int size;
        private Map<String, Integer> index;
        /** {@link #bit} of the keys so far: a new key (nearly every put) needs no scan of them. */
        private long keyBits;

        private Builder(int capacity) {
            keys = new String[capacity];
            values = new AttributeValue[capacity];
        }

        public Builder put(String key, AttributeValue value) {
            Objects.requireNonNull(key, "attribute key");
            Objects.requireNonNull(value, "attribute value");
            long b = bit(key);
            int at = (keyBits & b) != b ? -1 : find(keys, size, index, key);
            if (at >= 0) {
                values[at] = value;
                return this;
            }
            keyBits |= b;
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            if (index != null) {
                index.put(key, size);
            } else if (size == INDEXED_ABOVE) {
                index = new HashMap<>();
                for (int i = 0; i <= size; i++) {
                    index.put(keys[i], i);
                }
            }
            size++;
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
            return size;
        }

        /** The attributes put so far; the builder can go on collecting without changing them. */
        public Attributes build() {
            if (size == 0) {
                return EMPTY;
            }
            return new Attributes(Arrays.copyOf(keys, size), Arrays.copyOf(values, size), keyBits);
        }
    }
}
