package dev.tta.obs.domain;

/** Span status codes, numbered as in OTLP. */
public enum StatusCode {
    UNSET, OK, ERROR;

    public static StatusCode fromNumber(int number) {
        return switch (number) {
            case 1 -> OK;
            case 2 -> ERROR;
            default -> UNSET;
        };
    }

    public int number() {
        return ordinal();
    }
}
