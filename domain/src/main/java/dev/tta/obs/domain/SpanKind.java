package dev.tta.obs.domain;

/** Span kinds, numbered as in OTLP so the wire value maps one to one. */
public enum SpanKind {
    UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER;

    private static final SpanKind[] BY_NUMBER = values();

    public static SpanKind fromNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNSPECIFIED;
    }

    public int number() {
        return ordinal();
    }
}
