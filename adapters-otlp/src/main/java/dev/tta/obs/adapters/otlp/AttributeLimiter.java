package dev.tta.obs.adapters.otlp;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts OTLP attributes to domain attributes under {@link AttributeLimits}, for one export
 * request: it remembers how much it cut so the response can say so.
 */
final class AttributeLimiter {
    private final AttributeLimits limits;
    private long droppedAttributes;
    private long truncatedValues;

    record Limited(Attributes attributes, int dropped) {
    }

    AttributeLimiter(AttributeLimits limits) {
        this.limits = limits;
    }

    Limited apply(List<KeyValue> kvs) {
        if (kvs.isEmpty()) {
            return new Limited(Attributes.empty(), 0);
        }
        int keep = Math.min(kvs.size(), limits.maxAttributes());
        Attributes.Builder map = Attributes.builder(keep);
        int truncated = 0;
        for (int i = 0; i < keep; i++) {
            KeyValue kv = kvs.get(i);
            boolean[] cut = {false};
            map.put(kv.getKey(), value(kv.getValue(), cut));
            if (cut[0]) {
                truncated++;
            }
        }
        return limited(map, kvs.size() - keep, truncated);
    }

    int maxAttributes() {
        return limits.maxAttributes();
    }

    /**
     * Counts what one element lost ({@code dropped} attributes beyond the count limit, {@code
     * truncated} values cut) and wraps the kept ones.
     */
    Limited limited(Attributes.Builder kept, int dropped, int truncated) {
        droppedAttributes += dropped;
        truncatedValues += truncated;
        // a truncated value counts as dropped too: the attribute as sent is not what is stored
        return new Limited(kept.build(), dropped + truncated);
    }

    /** A string value under the length limit; sets {@code cut[0]} when it had to be cut. */
    String cut(String s, boolean[] cut) {
        int max = limits.maxValueLength();
        if (s.length() <= max) {
            return s;
        }
        cut[0] = true;
        // never split a surrogate pair: half a character would not survive UTF-8
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    /** A bytes value under the length limit; sets {@code cut[0]} when it had to be cut. */
    byte[] cut(byte[] b, boolean[] cut) {
        int max = limits.maxValueLength();
        if (b.length <= max) {
            return b;
        }
        cut[0] = true;
        return Arrays.copyOf(b, max);
    }

    /** A value without the count limit (a log body), still under the length limit. */
    AttributeValue value(AnyValue v) {
        boolean[] cut = {false};
        AttributeValue value = value(v, cut);
        if (cut[0]) {
            truncatedValues++;
        }
        return value;
    }

    private AttributeValue value(AnyValue v, boolean[] cut) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> new AttributeValue.StringValue(cut(v.getStringValue(), cut));
            case BOOL_VALUE -> new AttributeValue.BoolValue(v.getBoolValue());
            case INT_VALUE -> new AttributeValue.LongValue(v.getIntValue());
            case DOUBLE_VALUE -> new AttributeValue.DoubleValue(v.getDoubleValue());
            case BYTES_VALUE -> new AttributeValue.BytesValue(cut(v.getBytesValue().toByteArray(), cut));
            case ARRAY_VALUE -> {
                List<AnyValue> items = v.getArrayValue().getValuesList();
                // nested lists obey the count limit too, or one attribute could smuggle in 100k values
                if (items.size() > limits.maxAttributes()) {
                    cut[0] = true;
                    items = items.subList(0, limits.maxAttributes());
                }
                List<AttributeValue> values = new ArrayList<>(items.size());
                for (AnyValue e : items) {
                    values.add(value(e, cut));
                }
                yield new AttributeValue.ArrayValue(values);
            }
            case KVLIST_VALUE -> {
                List<KeyValue> entries = v.getKvlistValue().getValuesList();
                if (entries.size() > limits.maxAttributes()) {
                    cut[0] = true;
                    entries = entries.subList(0, limits.maxAttributes());
                }
                Attributes.Builder map = Attributes.builder(entries.size());
                for (KeyValue kv : entries) {
                    map.put(kv.getKey(), value(kv.getValue(), cut));
                }
                yield new AttributeValue.MapValue(map.build());
            }
            // an empty AnyValue is OTLP's null; an empty string is the closest typed value we keep
            default -> new AttributeValue.StringValue("");
        };
    }

    /** What was cut in this request, for the response's message; empty when nothing was. */
    String report() {
        if (droppedAttributes == 0 && truncatedValues == 0) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (droppedAttributes > 0) {
            parts.add(droppedAttributes + " attribute(s) dropped beyond the limit of " + limits.maxAttributes()
                    + " per element");
        }
        if (truncatedValues > 0) {
            parts.add(truncatedValues + " value(s) cut to " + limits.maxValueLength() + " characters or "
                    + limits.maxAttributes() + " nested entries");
        }
        return String.join("; ", parts) + " (counted in the dropped-attributes counts)";
    }
}
