package dev.tta.obs.app;

import dev.tta.obs.domain.check.CheckRun;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Where `tta-obs check` reads runs: the data directory's store, or a running tta-obs's REST API. */
interface CheckRunSource extends AutoCloseable {

    /** Every stored run that started at or after {@code fromUnixNano} ({@link Long#MIN_VALUE}: all). */
    List<CheckRun> runs(long fromUnixNano) throws IOException, InterruptedException;

    /**
     * For {@code --min-score}: per feedback name, the average score over the given runs' feedback
     * (people's and evaluators' alike; items with only a label have no score and do not count).
     * Names no run has a score for are absent.
     */
    Map<String, Double> averageScores(List<CheckRun> runs) throws IOException, InterruptedException;

    /** A named score of one item of feedback. */
    record NamedScore(String name, double score) {
    }

    static Map<String, Double> averages(Stream<NamedScore> scores) {
        Map<String, double[]> sums = new TreeMap<>();
        scores.forEach(s -> {
            double[] sum = sums.computeIfAbsent(s.name(), n -> new double[2]);
            sum[0] += s.score();
            sum[1]++;
        });
        Map<String, Double> averages = new TreeMap<>();
        sums.forEach((name, sum) -> averages.put(name, sum[0] / sum[1]));
        return averages;
    }

    @Override
    void close();
}
