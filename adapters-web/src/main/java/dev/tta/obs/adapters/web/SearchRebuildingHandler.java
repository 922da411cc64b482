package dev.tta.obs.adapters.web;

import dev.tta.obs.ports.out.SearchRebuildingException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** A term search while the damaged search index is rebuilt: 503 with a retry hint, saying so (not a 500). */
@Produces
@Singleton
@Requires(classes = {SearchRebuildingException.class, ExceptionHandler.class})
public class SearchRebuildingHandler implements ExceptionHandler<SearchRebuildingException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, SearchRebuildingException exception) {
        return ApiProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "Search index rebuilding", exception.getMessage())
                .header(HttpHeaders.RETRY_AFTER, "5");
    }
}
