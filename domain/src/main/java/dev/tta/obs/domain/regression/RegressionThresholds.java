package dev.tta.obs.domain.regression;

/**
 * When a run counts as a regression against the median of its baseline.
 *
 * @param durationRatio     flag when duration is at least this multiple of the median (1.5 = 50% slower)
 * @param tokensRatio       flag when total tokens reach this multiple of the median
 * @param costRatio         flag when cost reaches this multiple of the median
 * @param extraErrors       flag when errors exceed the median by at least this many
 * @param flagStructure     flag span names that appeared or disappeared
 * @param minimumBaseline   fewer previous runs than this give no verdict: a median of one run is noise
 */
public record RegressionThresholds(double durationRatio, double tokensRatio, double costRatio, int extraErrors,
                                   boolean flagStructure, int minimumBaseline) {
    public static final RegressionThresholds DEFAULTS = new RegressionThresholds(1.5, 1.5, 1.5, 1, true, 3);

    public RegressionThresholds {
        if (!(durationRatio > 1) || !(tokensRatio > 1) || !(costRatio > 1)) {
            throw new IllegalArgumentException("ratios must be greater than 1");
        }
        if (extraErrors < 1 || minimumBaseline < 1) {
            throw new IllegalArgumentException("extraErrors and minimumBaseline must be at least 1");
        }
    }
}
