package dev.tta.obs.adapters.web;

import org.slf4j.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One WARN line per kind of client mistake, and the same kind at most once every
 * {@link #QUIET_MILLIS}, with a count of those left out: a misbehaving client (a flood of oversize
 * messages, an HTTP/1 client on the gRPC port) cannot flood the log, and one line says enough.
 */
public final class QuietLog {
    public static final long QUIET_MILLIS = 10_000;
    private final Logger log;
    /** Per kind: [time of the last line written, occurrences left out since]. */
    private final Map<String, long[]> recent = new ConcurrentHashMap<>();

    public QuietLog(Logger log) {
        this.log = log;
    }

    /** @param kind what makes two occurrences alike; {@code line} is written for the first */
    public void warn(String kind, String line) {
        long now = System.currentTimeMillis();
        long[] state = recent.computeIfAbsent(kind, k -> new long[] {Long.MIN_VALUE / 2, 0});
        long leftOut;
        synchronized (state) {
            if (now - state[0] < QUIET_MILLIS) {
                state[1]++;
                return;
            }
            leftOut = state[1];
            state[0] = now;
            state[1] = 0;
        }
        if (recent.size() > 1000) {
            recent.clear();
        }
        log.warn("{}{}", line, leftOut == 0 ? "" : " (" + leftOut + " more like it in the last "
                + QUIET_MILLIS / 1000 + " s left out)");
    }
}
