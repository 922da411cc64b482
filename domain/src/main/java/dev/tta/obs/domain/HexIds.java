package dev.tta.obs.domain;

/** Lower-case hex encoding of the binary trace and span ids OTLP carries. */
final class HexIds {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private HexIds() {
    }

    /** 16 hex characters for {@code v}, most significant first (as the id's bytes are). */
    static String encode(long v) {
        byte[] out = new byte[16];
        writeHex(out, 0, v);
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static String encode(long high, long low) {
        byte[] out = new byte[32];
        writeHex(out, 0, high);
        writeHex(out, 16, low);
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void writeHex(byte[] out, int at, long v) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = (byte) DIGITS[(int) v & 0xf];
            v >>>= 4;
        }
    }

    /** The number 16 hex characters of {@code hex} at {@code from} spell; they were validated before. */
    static long parseLong(String hex, int from) {
        long v = 0;
        for (int i = from; i < from + 16; i++) {
            v = v << 4 | nibble(hex.charAt(i));
        }
        return v;
    }

    /** Big-endian, as ids travel in OTLP. */
    static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + 8; i++) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    static void writeLong(byte[] b, int at, long v) {
        for (int i = at + 7; i >= at; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
    }

    /** Validates and lower-cases; the message names the field so an exporter author can fix it. */
    static String normalize(String hex, int bytes, String what) {
        if (hex == null) {
            throw new InvalidTelemetryException(what + " is missing");
        }
        if (hex.length() != bytes * 2) {
            throw new InvalidTelemetryException(what + " must be " + bytes * 2 + " hex characters ("
                    + bytes + " bytes), got " + hex.length() + " characters");
        }
        boolean allZero = true;
        boolean lowerCase = true;
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            int n = nibble(c);
            if (n < 0) {
                throw new InvalidTelemetryException(what + " is not hex: '" + abbreviate(hex) + "'");
            }
            allZero &= n == 0;
            lowerCase &= c <= '9' || c >= 'a';
        }
        if (allZero) {
            throw new InvalidTelemetryException(what + " is all zeros, which OpenTelemetry defines as invalid");
        }
        // every span's ids pass here on ingest; ids from binary OTLP are lower case already
        return lowerCase ? hex : hex.toLowerCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static int nibble(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
