package dev.tta.obs.domain;

import java.util.Objects;

/** The entity that produced telemetry: a service, a process, a host. */
public record Resource(Attributes attributes, int droppedAttributesCount) {
    public static final String SERVICE_NAME = "service.name";
    /** What the OpenTelemetry SDKs report when the application names no service. */
    public static final String UNKNOWN_SERVICE = "unknown_service";
    public static final Resource EMPTY = new Resource(Attributes.empty(), 0);

    public Resource {
        Objects.requireNonNull(attributes, "attributes");
    }

    public String serviceName() {
        return attributes.getString(SERVICE_NAME).filter(s -> !s.isBlank()).orElse(UNKNOWN_SERVICE);
    }
}
