package dev.tta.obs.ports.in;

/** The ingest queue is full; nothing of the batch was taken. Retryable. */
public class IngestOverloadedException extends RuntimeException {
    private final long retryAfterSeconds;

    public IngestOverloadedException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
