package dev.tta.obs.ports.out;

/** A store is a sink, a reader and an eraser over the same data; see each for its contract. */
public interface TraceStore<E> extends SpanSink<E>, TraceReader, TraceEraser, RegressionFlags, SessionReader,
        FeedbackStore, AutoCloseable {
    /** A short description for the settings page and the start-up line, never a password. */
    String describe();

    @Override
    void close();
}
