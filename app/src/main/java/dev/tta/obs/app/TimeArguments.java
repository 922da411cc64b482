package dev.tta.obs.app;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** `--since 1h`, `--retention 7d`, `--until 2026-01-01T10:00:00Z`: the time words the CLI accepts. */
final class TimeArguments {
    private TimeArguments() {
    }

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}, {@code 0}. */
    static Duration duration(String text, String flag) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            if (n >= 0) {
                switch (t.charAt(t.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    case 'd': return Duration.ofDays(n);
                    default: break;
                }
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(flag + " takes a duration like 30s, 15m, 24h or 7d, got '" + text + "'");
    }

    /** The inverse of {@link #duration}: the largest whole unit, e.g. {@code 24h}, {@code 7d}. */
    static String format(Duration d) {
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** A moment: an ISO-8601 instant, or a duration meaning that long ago. */
    static Instant instant(String text, String flag, Instant now) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return now.minus(duration(text, flag));
            } catch (IllegalArgumentException notDuration) {
                throw new IllegalArgumentException(flag + " takes a time like 2026-01-01T10:00:00Z or a duration "
                        + "ago like 2h, got '" + text + "'");
            }
        }
    }

    static long unixNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
