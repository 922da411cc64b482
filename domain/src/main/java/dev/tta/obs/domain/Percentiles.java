package dev.tta.obs.domain;

/** Percentiles of a few thousand values at most, computed exactly. */
public final class Percentiles {
    private Percentiles() {
    }

    /**
     * Nearest rank over values sorted ascending: the smallest with at least {@code q} of them at or
     * below it; 0 when there are none.
     */
    public static double nearestRank(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
