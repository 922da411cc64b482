package dev.tta.obs.adapters.sqlite;

/** A write or delete asked of a store opened with {@link SqliteTraceStore#openReadOnly}. */
public final class ReadOnlyStoreException extends UnsupportedOperationException {
    ReadOnlyStoreException(String message) {
        super(message);
    }
}
