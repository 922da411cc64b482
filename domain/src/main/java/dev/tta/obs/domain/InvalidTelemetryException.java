package dev.tta.obs.domain;

/** Telemetry that breaks the OpenTelemetry data model; its message is meant for the exporter's author. */
public class InvalidTelemetryException extends IllegalArgumentException {
    public InvalidTelemetryException(String message) {
        super(message);
    }
}
