package dev.tta.obs.adapters.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with varints; DataOutputStream would cost a stream and a copy per call. */
final class ByteSink {
    /** A scratch buffer larger than this after use is dropped, so one huge trace does not pin it. */
    private static final int KEPT_CAPACITY = 256 * 1024;
    private static final ThreadLocal<ByteSink> SCRATCH = ThreadLocal.withInitial(() -> new ByteSink(4096));

    private byte[] buf;
    private int size;
    private boolean scratch;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /**
     * This thread's reusable sink, empty, to be ended with {@link #toByteArray}: every span chunk
     * and summary is encoded on a request thread, and a fresh buffer per encoding, grown and then
     * copied, cost more than the encoding's one exact-size copy. When the thread's sink is still
     * in use (an encoding failed half-way, or one runs inside another), the thread gets a new one.
     */
    static ByteSink scratch() {
        ByteSink s = SCRATCH.get();
        if (s.scratch) {
            s = new ByteSink(4096);
            SCRATCH.set(s);
        }
        s.scratch = true;
        s.size = 0;
        return s;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void writeVarInt(int v) {
        writeVarLong(v & 0xFFFFFFFFL);
    }

    void writeFixedLong(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (i * 8));
        }
    }

    void writeBytes(byte[] b) {
        writeVarInt(b.length);
        writeRaw(b);
    }

    void writeRaw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /** The length and UTF-8 bytes of {@code s}; ASCII (most keys, names and values) is copied without a byte array. */
    void writeString(String s) {
        int n = s.length();
        int lengthBytes = n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : 5;
        if (lengthBytes < 5) {
            ensure(lengthBytes + n);
            int at = size + lengthBytes;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                buf[at + i] = (byte) c;
            }
            writeVarInt(n);
            size += n;
            return;
        }
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        byte[] out = Arrays.copyOf(buf, size);
        if (scratch) {
            scratch = false;
            if (buf.length > KEPT_CAPACITY) {
                buf = new byte[4096];
            }
        }
        return out;
    }
}
