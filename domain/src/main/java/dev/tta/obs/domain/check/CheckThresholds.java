package dev.tta.obs.domain.check;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The limits of a CI gate run; each is optional, and only the given ones are checked.
 *
 * @param maxLatencyIncreasePct the most p50 and p95 latency may rise over the baseline, in percent
 * @param maxCostIncreasePct    the same for cost per run
 * @param maxTokenIncreasePct   the same for tokens per run
 * @param maxErrorRatePct       the highest share of failed runs allowed, in percent (runs that
 *                              recovered from their errors are not failed)
 * @param maxCostUsd            the most any single run may cost
 * @param minScores             per feedback score name, the lowest average allowed
 */
public record CheckThresholds(Optional<Double> maxLatencyIncreasePct, Optional<Double> maxCostIncreasePct,
                              Optional<Double> maxTokenIncreasePct, Optional<Double> maxErrorRatePct,
                              Optional<Double> maxCostUsd, Map<String, Double> minScores) {

    public CheckThresholds {
        maxLatencyIncreasePct.ifPresent(v -> requireLimit("--max-latency-increase", v));
        maxCostIncreasePct.ifPresent(v -> requireLimit("--max-cost-increase", v));
        maxTokenIncreasePct.ifPresent(v -> requireLimit("--max-token-increase", v));
        maxErrorRatePct.ifPresent(v -> {
            requireLimit("--max-error-rate", v);
            if (v > 100) {
                throw new IllegalArgumentException("--max-error-rate is a percentage, 0 to 100, got " + v);
            }
        });
        maxCostUsd.ifPresent(v -> requireLimit("--max-cost-usd", v));
        minScores.forEach((name, v) -> {
            if (name.isBlank()) {
                throw new IllegalArgumentException("--min-score needs a score name: NAME=VALUE");
            }
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("--min-score " + name + " needs a number, got " + v);
            }
        });
        minScores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(minScores));
    }

    private static void requireLimit(String flag, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(flag + " must be a number >= 0, got " + v);
        }
    }

    /** Whether any limit is set: a gate without one would pass whatever happened. */
    public boolean any() {
        return maxLatencyIncreasePct.isPresent() || maxCostIncreasePct.isPresent() || maxTokenIncreasePct.isPresent()
                || maxErrorRatePct.isPresent() || maxCostUsd.isPresent() || !minScores.isEmpty();
    }
}
