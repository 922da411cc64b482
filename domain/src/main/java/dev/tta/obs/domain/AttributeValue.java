package dev.tta.obs.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A typed attribute value as OpenTelemetry defines it. Types are kept exactly, so a long stays a
 * long through storage and the API (a user filtering on {@code http.status_code=500} must not
 * meet the string "500.0").
 */
public sealed interface AttributeValue {

    /** A short, human-readable rendering, used for search and for display. */
    String asText();

    static AttributeValue of(String value) {
        return new StringValue(value);
    }

    static AttributeValue of(boolean value) {
        return new BoolValue(value);
    }

    static AttributeValue of(long value) {
        return new LongValue(value);
    }

    static AttributeValue of(double value) {
        return new DoubleValue(value);
    }

    record StringValue(String value) implements AttributeValue {
        public StringValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String asText() {
            return value;
        }
    }

    record BoolValue(boolean value) implements AttributeValue {
        @Override
        public String asText() {
            return Boolean.toString(value);
        }
    }

    record LongValue(long value) implements AttributeValue {
        @Override
        public String asText() {
            return Long.toString(value);
        }
    }

    record DoubleValue(double value) implements AttributeValue {
        @Override
        public String asText() {
            return Double.toString(value);
        }
    }

    /** Raw bytes; equality is by content, unlike a plain array field. */
    record BytesValue(byte[] value) implements AttributeValue {
        public BytesValue {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesValue other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "BytesValue[" + value.length + " bytes]";
        }

        @Override
        public String asText() {
            return java.util.Base64.getEncoder().encodeToString(value);
        }
    }

    record ArrayValue(List<AttributeValue> values) implements AttributeValue {
        public ArrayValue {
            values = List.copyOf(values);
        }

        @Override
        public String asText() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(values.get(i).asText());
            }
            return sb.append(']').toString();
        }
    }

    record MapValue(Attributes values) implements AttributeValue {
        public MapValue {
            Objects.requireNonNull(values, "values");
        }

        @Override
        public String asText() {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (var e : values.asMap().entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(e.getKey()).append('=').append(e.getValue().asText());
            }
            return sb.append('}').toString();
        }
    }
}
