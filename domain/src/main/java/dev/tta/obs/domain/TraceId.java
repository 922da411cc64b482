package dev.tta.obs.domain;

/** A 16-byte trace id, held as two numbers like {@link SpanId}; the hex text is made when shown. */
public final class TraceId implements Comparable<TraceId> {
    public static final int BYTES = 16;

    private final long high;
    private final long low;
    private String hex;

    private TraceId(long high, long low, String hex) {
        if (high == 0 && low == 0) {
            throw new InvalidTelemetryException("trace id is all zeros, which OpenTelemetry defines as invalid");
        }
        this.high = high;
        this.low = low;
        this.hex = hex;
    }

    /** From 32 hex characters, either case. */
    public static TraceId of(String hex) {
        String lower = HexIds.normalize(hex, BYTES, "trace id");
        return new TraceId(HexIds.parseLong(lower, 0), HexIds.parseLong(lower, 16), lower);
    }

    public static TraceId fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new InvalidTelemetryException("trace id must be 16 bytes, got " + bytes.length);
        }
        return new TraceId(HexIds.readLong(bytes, 0), HexIds.readLong(bytes, 8), null);
    }

    /** The 32 lower-case hex characters. */
    public String hex() {
        String h = hex;
        if (h == null) {
            h = HexIds.encode(high, low);
            hex = h;
        }
        return h;
    }

    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        HexIds.writeLong(out, 0, high);
        HexIds.writeLong(out, 8, low);
        return out;
    }

    /** Ordered as their hex text (and their bytes) are. */
    @Override
    public int compareTo(TraceId other) {
        int c = Long.compareUnsigned(high, other.high);
        return c != 0 ? c : Long.compareUnsigned(low, other.low);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceId other && other.high == high && other.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high * 31 + low);
    }

    @Override
    public String toString() {
        return hex();
    }
}
