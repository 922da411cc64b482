package dev.tta.obs.ports.io;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decompression of request bodies (OTLP/HTTP, {@code POST /api/import}). The server hands the
 * receivers the body as sent (its own decompression is off, see {@code StartCommand}): inflating
 * on the event loop cost a gzip bomb's whole expansion, seconds of CPU, before anything could stop
 * it. Here a body is inflated only as far as the parser reads it, on a worker, and reading stops
 * at the limit.
 */
public final class RequestBodies {
    /** The encodings a body may come in, as named in a 415 answer. */
    public static final String SUPPORTED = "gzip, deflate or identity";

    private RequestBodies() {
    }

    public enum ContentEncoding {
        IDENTITY, GZIP, DEFLATE;

        /** @return empty for an encoding tta-obs does not decode (br, zstd, snappy, ...) */
        public static Optional<ContentEncoding> of(String header) {
            if (header == null || header.isBlank()) {
                return Optional.of(IDENTITY);
            }
            return switch (header.trim().toLowerCase(Locale.ROOT)) {
                case "identity" -> Optional.of(IDENTITY);
                case "gzip", "x-gzip" -> Optional.of(GZIP);
                case "deflate" -> Optional.of(DEFLATE);
                default -> Optional.empty();
            };
        }
    }

    /**
     * The body's bytes after decoding, counted as they are read: past {@code limit} a read throws
     * and {@link Limited#exceeded()} is true, so at most {@code limit} bytes are ever inflated.
     */
    public static Limited decoded(byte[] raw, ContentEncoding encoding, long limit) throws IOException {
        InputStream in = new ByteArrayInputStream(raw);
        InputStream plain = switch (encoding) {
            case IDENTITY -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            // HTTP's deflate is zlib-wrapped, but some clients send raw deflate; the header tells
            case DEFLATE -> new InflaterInputStream(in, new Inflater(!zlibHeader(raw)), 1 << 16);
        };
        return new Limited(plain, limit);
    }

    /**
     * The size a gzip body says it inflates to (its last member's ISIZE, modulo 2^32), or -1. A
     * member that says more than {@code limit} is larger than that, or corrupt, which gzip's own
     * check would refuse: either way it can be refused without inflating a byte of it.
     */
    public static long gzipSizeHint(byte[] raw) {
        if (raw.length < 18 || (raw[0] & 0xFF) != 0x1f || (raw[1] & 0xFF) != 0x8b) {
            return -1;
        }
        int n = raw.length;
        return (raw[n - 4] & 0xFFL) | (raw[n - 3] & 0xFFL) << 8 | (raw[n - 2] & 0xFFL) << 16 | (raw[n - 1] & 0xFFL) << 24;
    }

    private static boolean zlibHeader(byte[] raw) {
        return raw.length >= 2 && (raw[0] & 0x0F) == 8 && (((raw[0] & 0xFF) << 8) | (raw[1] & 0xFF)) % 31 == 0;
    }

    /** Counts decoded bytes as the parser pulls them, and stops at the limit. */
    public static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;
        private boolean exceeded;

        private Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        public boolean exceeded() {
            return exceeded;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            // never inflate more than one byte past the limit, whatever the caller asks for
            int n = super.read(buf, off, (int) Math.min(len, limit - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        /**
         * @param expected the size the body says it has (gzip's hint), or -1: a body that tells
         *                 the truth is read into one array of its size, without copies
         */
        public byte[] readAll(long expected) throws IOException {
            byte[] buf = new byte[(int) Math.min(expected >= 0 ? expected : 1 << 16, limit)];
            int size = 0;
            while (true) {
                int n = read(buf, size, buf.length - size);
                if (n < 0) {
                    return size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
                }
                size += n;
                if (size == buf.length) {
                    int next = read();
                    if (next < 0) {
                        return buf;
                    }
                    // past the limit read() has refused already, so growing stays within it
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(Math.max(2L * buf.length, 1024), limit));
                    buf[size++] = (byte) next;
                }
            }
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                exceeded = true;
                throw new IOException("request body exceeds " + limit + " bytes");
            }
        }
    }
}
