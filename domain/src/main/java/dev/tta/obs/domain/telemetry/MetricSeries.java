package dev.tta.obs.domain.telemetry;

import dev.tta.obs.domain.Attributes;

import java.util.List;

/** The points of one metric that share one set of attributes, oldest first. */
public record MetricSeries(String name, String unit, MetricPoint.MetricType type, String serviceName,
                           Attributes attributes, List<Point> points) {
    public MetricSeries {
        points = List.copyOf(points);
    }

    public record Point(long timeUnixNano, double value, long count) {
    }
}
