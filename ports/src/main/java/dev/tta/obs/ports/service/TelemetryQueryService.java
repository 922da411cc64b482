package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.domain.telemetry.MetricSeries;
import dev.tta.obs.ports.in.QueryLogs;
import dev.tta.obs.ports.in.QueryMetrics;
import dev.tta.obs.ports.out.TelemetryReader;

import java.util.List;
import java.util.Map;

/** The metric and log queries, answered from the telemetry store. */
public final class TelemetryQueryService implements QueryMetrics, QueryLogs {
    private final TelemetryReader reader;

    public TelemetryQueryService(TelemetryReader reader) {
        this.reader = reader;
    }

    @Override
    public List<String> names() {
        return reader.metricNames();
    }

    @Override
    public List<MetricSeries> series(String name, Map<String, String> attributeFilter, int maxPoints) {
        if (maxPoints < 1) {
            throw new IllegalArgumentException("maxPoints must be positive, got " + maxPoints);
        }
        return reader.metricSeries(name, attributeFilter, maxPoints);
    }

    @Override
    public List<LogEntry> logsOfTrace(TraceId traceId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return reader.logsOfTrace(traceId, limit);
    }
}
