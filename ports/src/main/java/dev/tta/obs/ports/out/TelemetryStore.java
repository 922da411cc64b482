package dev.tta.obs.ports.out;

/** A store for metrics and logs: written through {@link TelemetrySink}, read through {@link TelemetryReader}. */
public interface TelemetryStore extends TelemetrySink, TelemetryReader, AutoCloseable {
    @Override
    void close();
}
