package dev.tta.obs.ports.out;

/**
 * A search by terms while the full-text index is being rebuilt (it was found damaged): answered
 * 503 with a retry hint; listing and reading traces keep working meanwhile.
 */
public class SearchRebuildingException extends StoreUnavailableException {
    public SearchRebuildingException(String message) {
        super(message, null);
    }
}
