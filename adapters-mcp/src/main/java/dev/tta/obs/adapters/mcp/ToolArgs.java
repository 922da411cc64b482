package dev.tta.obs.adapters.mcp;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;

/** A tool call's arguments, read with one clear message for each wrong value. */
public final class ToolArgs {
    private final Map<String, Object> args;

    public ToolArgs(Map<String, Object> args) {
        this.args = args == null ? Map.of() : args;
    }

    Optional<String> string(String name) {
        Object v = args.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
            throw ToolException.badArgument(name + " must be a string, got " + v);
        }
        String s = v.toString().trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    String required(String name) {
        return string(name).orElseThrow(() -> ToolException.badArgument(name + " is required"));
    }

    boolean flag(String name) {
        Object v = args.get(name);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        throw ToolException.badArgument(name + " must be true or false, got '" + v + "'");
    }

    Optional<Double> number(String name) {
        return decimal(name, d -> d >= 0 && !Double.isInfinite(d), "a number >= 0");
    }

    /** Any finite number, negative too (an evaluator's score may be). */
    Optional<Double> finite(String name) {
        return decimal(name, d -> !Double.isNaN(d) && !Double.isInfinite(d), "a finite number");
    }

    private Optional<Double> decimal(String name, DoublePredicate allowed, String rule) {
        Optional<String> s = string(name);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(s.get());
            if (!allowed.test(d)) {
                throw new NumberFormatException();
            }
            return Optional.of(d);
        } catch (NumberFormatException e) {
            throw ToolException.badArgument(name + " must be " + rule + ", got '" + s.get() + "'");
        }
    }

    int integer(String name, int defaultValue, int min, int max) {
        Optional<String> s = string(name);
        if (s.isEmpty()) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(s.get());
            if (d != Math.rint(d) || d < min || d > max) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw ToolException.badArgument(name + " must be a whole number from " + min + " to " + max
                    + ", got '" + s.get() + "'");
        }
    }

    <E extends Enum<E>> Optional<E> choice(String name, Class<E> type) {
        Optional<String> s = string(name);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type, s.get().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw ToolException.badArgument(name + " must be one of " + allowed + ", got '" + s.get() + "'");
        }
    }

    /** {@code 1h}, {@code 30m}, {@code 7d}, {@code 90s} ago, or an ISO-8601 instant; in unix nanoseconds. */
    Optional<Long> time(String name, Instant now) {
        Optional<String> s = string(name);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String t = s.get();
        try {
            return Optional.of(nanos(Instant.parse(t)));
        } catch (DateTimeParseException notInstant) {
            // a duration ago, below
        }
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            };
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Optional.of(nanos(now.minus(d)));
        } catch (RuntimeException e) {
            throw ToolException.badArgument(name + " takes a duration ago like 30m, 24h, 7d or a time like "
                    + "2026-01-01T10:00:00Z, got '" + t + "'");
        }
    }

    boolean json() {
        return string("format").map(f -> {
            String v = f.toLowerCase(Locale.ROOT);
            if (!v.equals("json") && !v.equals("text")) {
                throw ToolException.badArgument("format must be text or json, got '" + f + "'");
            }
            return v.equals("json");
        }).orElse(false);
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
