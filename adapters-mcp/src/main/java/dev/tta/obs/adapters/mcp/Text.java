package dev.tta.obs.adapters.mcp;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Compact renderings: durations, costs, cut values and aligned tables, sized for an agent's context. */
final class Text {
    private Text() {
    }

    static String duration(long nanos) {
        double ms = nanos / 1_000_000.0;
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.2fms", ms);
        }
        if (ms < 1000) {
            return Math.round(ms) + "ms";
        }
        double s = ms / 1000;
        if (s < 60) {
            return String.format(Locale.ROOT, "%.2fs", s);
        }
        long whole = (long) s;
        return whole / 60 + "m" + String.format(Locale.ROOT, "%02d", whole % 60) + "s";
    }

    static String durationMs(double ms) {
        return duration(Math.round(ms * 1_000_000));
    }

    static String cost(Optional<Double> usd) {
        return usd.map(Text::cost).orElse("-");
    }

    static String cost(double usd) {
        if (usd == 0) {
            return "$0";
        }
        if (usd >= 1) {
            return String.format(Locale.ROOT, "$%.2f", usd);
        }
        // six decimals keep a single cheap call visible ($0.000079)
        String s = String.format(Locale.ROOT, "$%.6f", usd);
        return s.replaceAll("0+$", "");
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    static String time(long unixNanos) {
        return Instant.ofEpochSecond(0, unixNanos).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The value itself when short, else its start and a marker that says how much was left out. */
    static String cut(String value, int max) {
        String oneLine = value.replace("\r", "").replace('\n', ' ');
        if (oneLine.length() <= max) {
            return oneLine;
        }
        return oneLine.substring(0, max) + "…[cut " + (oneLine.length() - max) + " chars]";
    }

    /** Columns padded to their widest cell; the last column is not padded. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... headers) {
            rows.add(headers);
        }

        Table row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                r[i] = cells[i] == null ? "-" : cells[i].toString();
            }
            rows.add(r);
            return this;
        }

        int size() {
            return rows.size() - 1;
        }

        void appendTo(StringBuilder out) {
            int cols = rows.get(0).length;
            int[] width = new int[cols];
            for (String[] r : rows) {
                for (int i = 0; i < cols; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    line.append(r[i]);
                    if (i < cols - 1) {
                        line.append(" ".repeat(width[i] - r[i].length() + 2));
                    }
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
        }
    }
}
