package dev.tta.obs.ports.out;

/** A store for metrics and logs: written through {@link TelemetrySink}, read through {@link TelemetryReader}. */
public interface TelemetryStore extends TelemetrySink, TelemetryReader, AutoCloseable {
    /** As {@link TraceStore#writeFailure}: why the last write failed, while none has succeeded since. */
    default java.util.Optional<String> writeFailure() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
