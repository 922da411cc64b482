package dev.tta.obs.domain;

/** A 16-byte trace id, kept as 32 lower-case hex characters. */
public record TraceId(String hex) implements Comparable<TraceId> {
    public static final int BYTES = 16;

    public TraceId {
        hex = HexIds.normalize(hex, BYTES, "trace id");
    }

    public static TraceId of(String hex) {
        return new TraceId(hex);
    }

    public static TraceId fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new InvalidTelemetryException("trace id must be 16 bytes, got " + bytes.length);
        }
        return new TraceId(HexIds.encode(bytes));
    }

    public byte[] toBytes() {
        return HexIds.decode(hex);
    }

    @Override
    public int compareTo(TraceId other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
