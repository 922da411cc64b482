package dev.tta.obs.adapters.jdbc;

import java.nio.charset.StandardCharsets;

/** Reads what {@link ByteSink} wrote; a truncated or foreign blob fails with a clear message. */
final class ByteSource {
    private final byte[] buf;
    private int pos;

    ByteSource(byte[] buf) {
        this.buf = buf;
    }

    private void need(int n) {
        if (n < 0 || pos + n > buf.length) {
            throw new IllegalStateException("stored span data is truncated or corrupt at byte " + pos);
        }
    }

    int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("stored span data has a malformed number at byte " + pos);
    }

    int readVarInt() {
        return (int) readVarLong();
    }

    long readFixedLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    byte[] readRaw(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    byte[] readBytes() {
        return readRaw(readVarInt());
    }

    String readString() {
        int n = readVarInt();
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    /** Skips a string or byte array: its length, then that many bytes. */
    void skipSized() {
        skip(readVarInt());
    }

    boolean hasMore() {
        return pos < buf.length;
    }
}
