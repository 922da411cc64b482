package dev.tta.obs.adapters.otlp;

import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.telemetry.MetricBatch;
import dev.tta.obs.domain.telemetry.MetricPoint;
import dev.tta.obs.domain.telemetry.MetricPoint.MetricType;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

import java.util.ArrayList;
import java.util.List;

/** Flattens an OTLP metrics export into data points; a metric without a name is rejected. */
final class OtlpMetricMapper {
    record Mapped(MetricBatch batch, long rejected, String firstError, String cuts) {
    }

    private OtlpMetricMapper() {
    }

    static Mapped map(ExportMetricsServiceRequest request, AttributeLimits limits) {
        AttributeLimiter limiter = new AttributeLimiter(limits);
        List<MetricPoint> points = new ArrayList<>();
        long rejected = 0;
        String firstError = "";
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Resource resource = OtlpSpanMapper.resource(rm.getResource(), limiter);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                InstrumentationScope scope = OtlpSpanMapper.scope(sm.getScope(), limiter);
                for (Metric m : sm.getMetricsList()) {
                    int before = points.size();
                    add(m, resource, scope, limiter, points);
                    if (m.getName().isBlank()) {
                        rejected += points.size() - before;
                        points.subList(before, points.size()).clear();
                        if (firstError.isEmpty()) {
                            firstError = "a metric has no name";
                        }
                    }
                }
            }
        }
        return new Mapped(new MetricBatch(points), rejected, firstError, limiter.report());
    }

    private static void add(Metric m, Resource resource, InstrumentationScope scope, AttributeLimiter limiter,
                            List<MetricPoint> out) {
        switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsList().forEach(p ->
                    out.add(number(m, MetricType.GAUGE, p, resource, scope, limiter)));
            case SUM -> m.getSum().getDataPointsList().forEach(p ->
                    out.add(number(m, MetricType.SUM, p, resource, scope, limiter)));
            case HISTOGRAM -> m.getHistogram().getDataPointsList().forEach(p -> out.add(new MetricPoint(
                    m.getName(), m.getDescription(), m.getUnit(), MetricType.HISTOGRAM, resource, scope,
                    limiter.apply(p.getAttributesList()).attributes(), p.getStartTimeUnixNano(),
                    p.getTimeUnixNano(), p.getSum(), p.getCount())));
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList().forEach(p -> out.add(
                    new MetricPoint(m.getName(), m.getDescription(), m.getUnit(), MetricType.EXPONENTIAL_HISTOGRAM,
                            resource, scope, limiter.apply(p.getAttributesList()).attributes(),
                            p.getStartTimeUnixNano(), p.getTimeUnixNano(), p.getSum(), p.getCount())));
            case SUMMARY -> m.getSummary().getDataPointsList().forEach(p -> out.add(new MetricPoint(
                    m.getName(), m.getDescription(), m.getUnit(), MetricType.SUMMARY, resource, scope,
                    limiter.apply(p.getAttributesList()).attributes(), p.getStartTimeUnixNano(),
                    p.getTimeUnixNano(), p.getSum(), p.getCount())));
            default -> {
                // a metric with no data carries no points: nothing to keep, nothing to reject
            }
        }
    }

    private static MetricPoint number(Metric m, MetricType type, NumberDataPoint p, Resource resource,
                                      InstrumentationScope scope, AttributeLimiter limiter) {
        double value = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
        return new MetricPoint(m.getName(), m.getDescription(), m.getUnit(), type, resource, scope,
                limiter.apply(p.getAttributesList()).attributes(), p.getStartTimeUnixNano(), p.getTimeUnixNano(),
                value, 1);
    }
}
