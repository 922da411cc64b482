package dev.tta.obs.domain.telemetry;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;

import java.util.Objects;

/**
 * One data point of one metric, flattened from OTLP's metric → data point nesting so that a
 * store can keep it as one row. Histograms and summaries keep their count and sum; their buckets
 * and quantiles are not kept (nothing reads them yet).
 *
 * @param value     the gauge or sum value; the sum of a histogram or summary
 * @param count     1 for gauges and sums; the number of observations for histograms and summaries
 */
public record MetricPoint(String name, String description, String unit, MetricType type,
                          Resource resource, InstrumentationScope scope, Attributes attributes,
                          long startTimeUnixNano, long timeUnixNano, double value, long count) {

    /** The OTLP metric data kinds. */
    public enum MetricType { GAUGE, SUM, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY }

    public MetricPoint {
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        unit = unit == null ? "" : unit;
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(attributes, "attributes");
    }
}
