package dev.tta.obs.domain;

/**
 * An 8-byte span id. Held as a number, not as its hex text: every span carries two or three ids,
 * which ingest decodes from bytes, compares and hashes, and stores as bytes again; the hex text is
 * made only when something shows it.
 */
public final class SpanId implements Comparable<SpanId> {
    public static final int BYTES = 8;

    private final long value;
    private String hex;

    private SpanId(long value, String hex) {
        if (value == 0) {
            throw new InvalidTelemetryException("span id is all zeros, which OpenTelemetry defines as invalid");
        }
        this.value = value;
        this.hex = hex;
    }

    /** From 16 hex characters, either case. */
    public static SpanId of(String hex) {
        String lower = HexIds.normalize(hex, BYTES, "span id");
        return new SpanId(HexIds.parseLong(lower, 0), lower);
    }

    public static SpanId fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new InvalidTelemetryException("span id must be 8 bytes, got " + bytes.length);
        }
        return new SpanId(HexIds.readLong(bytes, 0), null);
    }

    /** The 16 lower-case hex characters. */
    public String hex() {
        String h = hex;
        if (h == null) {
            h = HexIds.encode(value);
            hex = h;
        }
        return h;
    }

    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        HexIds.writeLong(out, 0, value);
        return out;
    }

    /** Ordered as their hex text (and their bytes) are. */
    @Override
    public int compareTo(SpanId other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpanId other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return hex();
    }
}
