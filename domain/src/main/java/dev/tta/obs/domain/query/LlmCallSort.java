package dev.tta.obs.domain.query;

import java.util.Locale;

/** What the LLM calls list is ordered by; every order breaks ties by trace id, then span id. */
public enum LlmCallSort {
    /** The call's cost; calls of unknown cost count as below any known cost. */
    COST,
    /** Input + output tokens. */
    TOKENS,
    /** The call's span duration. */
    DURATION,
    /** The call's start. */
    TIME;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static LlmCallSort parse(String s) {
        for (LlmCallSort v : values()) {
            if (v.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("sort must be one of cost, tokens, duration, time; got '" + s + "'");
    }
}
