package dev.tta.obs.domain;

import java.util.Objects;

/** The library that recorded a span, e.g. {@code io.opentelemetry.okhttp} 1.2.0. */
public record InstrumentationScope(String name, String version, Attributes attributes, int droppedAttributesCount) {
    public static final InstrumentationScope EMPTY = new InstrumentationScope("", "", Attributes.empty(), 0);

    public InstrumentationScope {
        name = name == null ? "" : name;
        version = version == null ? "" : version;
        Objects.requireNonNull(attributes, "attributes");
    }
}
