package dev.tta.obs.ports.in;

import dev.tta.obs.domain.telemetry.MetricSeries;

import java.util.List;
import java.util.Map;

/** Use case: read stored metrics back, for charts. */
public interface QueryMetrics {
    /** Every metric name stored, sorted. */
    List<String> names();

    /**
     * The series of one metric, each with its points oldest first. A series matches
     * {@code attributeFilter} when every entry's key is among its attributes with that value
     * (compared as text). At most {@code maxPoints} of the newest points are read.
     */
    List<MetricSeries> series(String name, Map<String, String> attributeFilter, int maxPoints);
}
