package dev.tta.obs.domain;

/** An 8-byte span id, kept as 16 lower-case hex characters. */
public record SpanId(String hex) implements Comparable<SpanId> {
    public static final int BYTES = 8;

    public SpanId {
        hex = HexIds.normalize(hex, BYTES, "span id");
    }

    public static SpanId of(String hex) {
        return new SpanId(hex);
    }

    public static SpanId fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new InvalidTelemetryException("span id must be 8 bytes, got " + bytes.length);
        }
        return new SpanId(HexIds.encode(bytes));
    }

    public byte[] toBytes() {
        return HexIds.decode(hex);
    }

    @Override
    public int compareTo(SpanId other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
