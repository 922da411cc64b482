package dev.tta.obs.adapters.web;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every error Micronaut itself produces (unknown route, wrong method, unparsable parameter,
 * unsupported media type, an uncaught exception) in the API's one error shape, RFC 9457.
 */
@Singleton
@Primary
public class ProblemErrorResponses implements ErrorResponseProcessor<Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context,
                                                                    MutableHttpResponse<?> response) {
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return (MutableHttpResponse<Map<String, Object>>) response;
        }
        HttpStatus status = response.status();
        String detail = context.getErrors().isEmpty() ? defaultDetail(status, context)
                : context.getErrors().get(0).getMessage();
        if (status.getCode() >= 500) {
            // an internal message may name files or SQL; the log has it, the client gets a hint
            detail = "tta-obs failed to answer this request; its log says why";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReason());
        body.put("status", status.getCode());
        body.put("detail", detail);
        return ((MutableHttpResponse<Map<String, Object>>) response).body(body).contentType(ApiProblem.MEDIA_TYPE);
    }

    private static String defaultDetail(HttpStatus status, ErrorContext context) {
        String path = context.getRequest().getPath();
        return switch (status) {
            case NOT_FOUND -> "nothing is served at " + path;
            case METHOD_NOT_ALLOWED -> context.getRequest().getMethodName() + " is not allowed on " + path;
            default -> status.getReason();
        };
    }
}
