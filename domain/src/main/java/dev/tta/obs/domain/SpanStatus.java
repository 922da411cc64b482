package dev.tta.obs.domain;

import java.util.Objects;

public record SpanStatus(StatusCode code, String message) {
    public static final SpanStatus UNSET = new SpanStatus(StatusCode.UNSET, "");

    public SpanStatus {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    public boolean isError() {
        return code == StatusCode.ERROR;
    }
}
