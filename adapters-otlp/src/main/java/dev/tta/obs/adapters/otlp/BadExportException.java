package dev.tta.obs.adapters.otlp;

/** An export request that cannot be decoded at all: answered 400 / INVALID_ARGUMENT, nothing stored. */
final class BadExportException extends RuntimeException {
    BadExportException(String message) {
        super(message, null, false, false);
    }
}
