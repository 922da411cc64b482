package dev.tta.obs.adapters.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.resource.StaticResourceResolver;

/**
 * Refuses what no endpoint here reads, before any of it is read: another method than GET or HEAD
 * on a dashboard file (the server would serve the file to any method) and a compressed body
 * anywhere but OTLP/HTTP and {@code /api/import}, the receivers that inflate bodies (under a
 * limit, off the event loop); the server's own decompression is off, so such a body would
 * otherwise reach a controller still compressed.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestShapeFilter implements Ordered {
    private final StaticResourceResolver staticFiles;

    public RequestShapeFilter(StaticResourceResolver staticFiles) {
        this.staticFiles = staticFiles;
    }

    @Override
    public int getOrder() {
        // after the localhost guard: a foreign Host learns nothing, not even the methods
        return ServerFilterPhase.FIRST.after();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        HttpMethod method = request.getMethod();
        String path = request.getPath();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD && !path.startsWith("/api/")
                && !path.startsWith("/v1/") && staticFiles.resolve(path).isPresent()) {
            return ApiProblem.of(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                    path + " is a dashboard file; only GET and HEAD are served, got " + method.name())
                    .header(HttpHeaders.ALLOW, "GET, HEAD");
        }
        String encoding = request.getHeaders().get(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")
                && !path.startsWith("/v1/") && !path.equals("/api/import")) {
            return ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Content-Encoding",
                    path + " takes an uncompressed body, got Content-Encoding " + encoding.trim()
                            + " (only OTLP/HTTP at /v1/* and /api/import accept gzip or deflate)");
        }
        return null;
    }
}
