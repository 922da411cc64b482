package dev.tta.obs.ports.out;

/** A store is a sink, a reader and an eraser over the same data; see each for its contract. */
public interface TraceStore<E> extends SpanSink<E>, TraceReader, TraceEraser, RegressionFlags, SessionReader,
        FeedbackStore, AutoCloseable {
    /** A short description for the settings page and the start-up line, never a password. */
    String describe();

    /**
     * Why the last write failed (a full disk, an I/O error), as long as no write has succeeded
     * since; {@code /api/health} reports it as degraded. Empty when writes work.
     */
    default java.util.Optional<String> writeFailure() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
