package dev.tta.obs.domain;

/** Lower-case hex encoding of the binary trace and span ids OTLP carries. */
final class HexIds {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private HexIds() {
    }

    static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    static byte[] decode(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((nibble(hex.charAt(2 * i)) << 4) | nibble(hex.charAt(2 * i + 1)));
        }
        return out;
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
