package dev.tta.obs.app;

import dev.tta.obs.domain.check.CheckRun;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Where `tta-obs check` reads runs: the data directory's store, or a running tta-obs's REST API. */
interface CheckRunSource extends AutoCloseable {

    /** Every stored run that started at or after {@code fromUnixNano} ({@link Long#MIN_VALUE}: all). */
    List<CheckRun> runs(long fromUnixNano) throws IOException, InterruptedException;

    /**
     * The seam for {@code --min-score}: per feedback score name, the average score over the given
     * runs' feedback (names no run has a score for are absent). Feedback is not stored yet, so
     * today every source answers none and each {@code --min-score} check fails with "no scores
     * named X"; wire the feedback query here when it exists.
     */
    default Map<String, Double> averageScores(List<CheckRun> runs) throws IOException, InterruptedException {
        return Map.of();
    }

    @Override
    void close();
}
