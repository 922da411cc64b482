package dev.tta.obs.domain;

import java.util.Objects;

/** A timed event on a span; exceptions arrive as events named {@code exception}. */
public record SpanEvent(long timeUnixNano, String name, Attributes attributes, int droppedAttributesCount) {
    public static final String EXCEPTION = "exception";

    public SpanEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(attributes, "attributes");
    }

    public boolean isException() {
        return EXCEPTION.equals(name);
    }
}
