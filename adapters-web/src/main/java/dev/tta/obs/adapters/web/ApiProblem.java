package dev.tta.obs.adapters.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

import java.util.LinkedHashMap;
import java.util.Map;

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
}
