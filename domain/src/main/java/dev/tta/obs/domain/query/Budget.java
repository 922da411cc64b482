package dev.tta.obs.domain.query;

import java.util.Objects;
import java.util.Optional;

/**
 * The spending limits a user set ({@code --budget-daily-usd}, {@code --budget-run-usd}); either
 * may be absent.
 *
 * @param dailyUsd the most the runs started on one UTC day may cost together
 * @param runUsd   the most one run may cost
 */
public record Budget(Optional<Double> dailyUsd, Optional<Double> runUsd) {
    public static final Budget NONE = new Budget(Optional.empty(), Optional.empty());

    public Budget {
        Objects.requireNonNull(dailyUsd, "dailyUsd");
        Objects.requireNonNull(runUsd, "runUsd");
        dailyUsd.ifPresent(v -> requirePositive("--budget-daily-usd", v));
        runUsd.ifPresent(v -> requirePositive("--budget-run-usd", v));
    }

    private static void requirePositive(String flag, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(flag + " must be an amount in US dollars above 0, got " + v);
        }
    }

    public boolean isSet() {
        return dailyUsd.isPresent() || runUsd.isPresent();
    }
}
