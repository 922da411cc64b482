package dev.tta.obs.ports.out;

import dev.tta.obs.ports.in.QueryLogs;
import dev.tta.obs.ports.in.QueryMetrics;

/** A store for metrics and logs: written through {@link TelemetrySink}, read through the queries. */
public interface TelemetryStore extends TelemetrySink, QueryMetrics, QueryLogs, AutoCloseable {
    @Override
    void close();
}
