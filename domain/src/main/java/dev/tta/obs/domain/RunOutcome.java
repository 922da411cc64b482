package dev.tta.obs.domain;

import java.util.Locale;

/**
 * How a run ended, as a user judges it: a run whose errors were all absorbed inside it (by a
 * retry, a fallback or a handler) answered, and is not counted with the runs that failed.
 */
public enum RunOutcome {
    /** No span failed. */
    OK,
    /** Some spans failed, but the root ended without error: something inside absorbed the errors. */
    RECOVERED,
    /**
     * The root span ended in error (status ERROR, {@code primitive.status=error}, or an exception
     * event marked {@code exception.escaped}); while the root has not arrived, a failed span at the
     * top of what has.
     */
    FAILED;

    /** The stable lower-case name the API and filters use: {@code ok}, {@code recovered}, {@code failed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #label()}, case-insensitively; a clear message for anything else. */
    public static RunOutcome parse(String label) {
        for (RunOutcome o : values()) {
            if (o.label().equalsIgnoreCase(label.trim())) {
                return o;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a run outcome (ok, recovered or failed)");
    }
}
