package dev.tta.obs.domain.cost;

/** A price file that cannot be read; the message names the file and line so a user can fix it. */
public class PriceFileException extends IllegalArgumentException {
    public PriceFileException(String message) {
        super(message);
    }
}
