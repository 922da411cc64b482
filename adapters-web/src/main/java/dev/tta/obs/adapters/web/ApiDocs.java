package dev.tta.obs.adapters.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

import java.io.IOException;
import java.io.InputStream;

/**
 * Serves the OpenAPI document that micronaut-openapi generates from the controllers at compile
 * time, so the contract a client reads is the one the code has. docs/api.md explains the shapes.
 */
@OpenAPIDefinition(info = @Info(title = "tta-obs", version = "0.1",
        description = "Local-first OpenTelemetry trace viewer for LLM and agent workflows. Shapes: docs/api.md."))
@Controller("/api/openapi.yml")
public class ApiDocs {
    static final String RESOURCE = "META-INF/swagger/tta-obs-0.1.yml";

    @Get(produces = "application/yaml")
    public MutableHttpResponse<?> spec() throws IOException {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return ApiProblem.of(HttpStatus.NOT_FOUND, "No OpenAPI document", "this build has no " + RESOURCE);
            }
            return HttpResponse.ok(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contentType("application/yaml");
        }
    }
}
