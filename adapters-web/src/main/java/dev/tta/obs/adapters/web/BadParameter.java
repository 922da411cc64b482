package dev.tta.obs.adapters.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

import java.util.Map;

/** A query parameter a handler refuses, thrown while it reads them and answered as a 400 problem. */
final class BadParameter extends RuntimeException {
    private final String title;

    BadParameter(String title, String detail) {
        super(detail);
        this.title = title;
    }

    MutableHttpResponse<Map<String, Object>> problem() {
        return ApiProblem.of(HttpStatus.BAD_REQUEST, title, getMessage());
    }
}
