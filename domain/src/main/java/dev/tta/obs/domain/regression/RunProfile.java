package dev.tta.obs.domain.regression;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a regression check compares of one run: its summary and the multiset of its span names.
 *
 * @param spanNames how often each span name occurs in the run
 */
public record RunProfile(TraceSummary summary, Map<String, Integer> spanNames) {
    public RunProfile {
        Objects.requireNonNull(summary, "summary");
        spanNames = Map.copyOf(new TreeMap<>(spanNames));
    }

    /** The profile of a run from its summary and its spans (repeated span ids are counted once). */
    public static RunProfile of(TraceSummary summary, Collection<Span> spans) {
        Map<String, Integer> names = new TreeMap<>();
        for (Span s : TraceAssembler.distinct(spans)) {
            names.merge(s.name(), 1, Integer::sum);
        }
        return new RunProfile(summary, names);
    }

    public long durationNanos() {
        return summary.durationNanos();
    }

    public long totalTokens() {
        return summary.rollup().totalTokens();
    }

    public Optional<Double> costUsd() {
        return summary.rollup().costUsd();
    }

    public int errors() {
        return summary.errorCount();
    }

    public BaselineKey key() {
        return BaselineKey.of(summary);
    }
}
