package dev.tta.obs.ports.out;

/** The database is unreachable or refused the write; the exporter should retry later. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
