package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.domain.telemetry.MetricSeries;

import java.util.List;
import java.util.Map;

/** Reads what a {@link TelemetrySink} committed; safe to call from many threads. */
public interface TelemetryReader {
    /** Every metric name stored, sorted. */
    List<String> metricNames();

    /**
     * The series of one metric, each with its points oldest first. A series matches
     * {@code attributeFilter} when every entry's key is among its attributes with that value
     * (compared as text). At most {@code maxPoints} of the newest points are read.
     */
    List<MetricSeries> metricSeries(String name, Map<String, String> attributeFilter, int maxPoints);

    /** The trace's log records by time, at most {@code limit}; empty when there are none. */
    List<LogEntry> logsOfTrace(TraceId traceId, int limit);
}
