package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.TraceId;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** RFC 9457 problem details: the one error shape of the API. */
final class ApiProblem {
    static final String MEDIA_TYPE = "application/problem+json";

    private ApiProblem() {
    }

    static MutableHttpResponse<Map<String, Object>> of(HttpStatus status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status.getCode());
        body.put("detail", detail);
        return HttpResponse.<Map<String, Object>>status(status).body(body).contentType(MEDIA_TYPE);
    }

    /** The trace id a path names, or empty when it is not one (answer {@link #invalidTraceId}). */
    static Optional<TraceId> traceId(String hex) {
        try {
            return Optional.of(TraceId.of(hex));
        } catch (InvalidTelemetryException e) {
            return Optional.empty();
        }
    }

    static MutableHttpResponse<Map<String, Object>> invalidTraceId(String raw) {
        String detail;
        try {
            TraceId.of(raw);
            detail = "invalid trace id";
        } catch (InvalidTelemetryException e) {
            detail = e.getMessage();
        }
        return of(HttpStatus.BAD_REQUEST, "Invalid trace id", detail);
    }

    static MutableHttpResponse<Map<String, Object>> traceNotFound(TraceId id) {
        return of(HttpStatus.NOT_FOUND, "Trace not found", "no trace with id " + id.hex() + " is stored");
    }
}
