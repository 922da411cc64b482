package dev.tta.obs.domain.telemetry;

import java.util.List;

/** The data points of one metrics export request, already validated. */
public record MetricBatch(List<MetricPoint> points) {
    public MetricBatch {
        points = List.copyOf(points);
    }

    public int size() {
        return points.size();
    }
}
