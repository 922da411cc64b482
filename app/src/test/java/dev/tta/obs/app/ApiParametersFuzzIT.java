package dev.tta.obs.app;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.tta.obs.app.OtlpRequests.service;
import static dev.tta.obs.app.OtlpRequests.spanHex;
import static dev.tta.obs.app.OtlpRequests.traceHex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the REST API's parameters, through a real tta-obs (HTTP server, controllers,
 * SQLite) in this JVM, so the fuzzer sees the coverage of the parsing it drives. The property: any
 * query string or path segment gets an answer within seconds that is not a 5xx, and a 400 is a
 * problem+json that says why. {@code ./mvnw verify} replays the seeds in
 * {@code ApiParametersFuzzITInputs/}; {@code bench/fuzz.sh} fuzzes for longer.
 */
class ApiParametersFuzzIT {
    private static final String[] SEARCH = {"service", "q", "start", "end", "errors", "limit", "cursor", "name",
            "status", "minDurationMs", "maxDurationMs", "attr", "primitive", "model", "regressions", "minCostUsd",
            "sort", "root"};
    private static final String[] OTHER = {"format", "traceId", "start", "end", "service", "groupBy", "since",
            "name", "attr"};
    private static Path dataDir;
    private static RunningService service;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("tta-obs-fuzz");
        service = new RunningService(dataDir);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        service.export(service("checkout").span(1, 0, -1, "workflow", 0, 100, false, "tta.primitive.type", "cache")
                .span(1, 1, 0, "llm.call", 10, 90, true, "gen_ai.request.model", "gpt-4o-mini",
                        "gen_ai.system", "openai", "gen_ai.usage.input_tokens", 1200L, "gen_ai.usage.output_tokens", 300L)
                .span(2, 0, -1, "workflow", 200, 260, false).bytes());
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code GET /api/traces} with any combination of its parameters and values. */
    @FuzzTest(maxDuration = "10s")
    void traceSearch(FuzzedDataProvider data) throws Exception {
        StringBuilder query = new StringBuilder();
        int n = data.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            String name = data.consumeInt(0, 15) == 0 ? data.consumeString(12) : data.pickValue(SEARCH);
            query.append(i == 0 ? '?' : '&').append(encode(name)).append('=').append(encode(value(data)));
        }
        check("/api/traces" + query);
    }

    /** The other endpoints' path segments (trace and span ids) and query parameters. */
    @FuzzTest(maxDuration = "10s")
    void otherParameters(FuzzedDataProvider data) throws Exception {
        String trace = data.consumeBoolean() ? traceHex(1) : encode(data.consumeString(40));
        String path = switch (data.consumeInt(0, 9)) {
            case 0 -> "/api/traces/" + trace;
            case 1 -> "/api/traces/" + trace + "/spans/" + (data.consumeBoolean() ? spanHex(1, 1) : encode(data.consumeString(20)));
            case 2 -> "/api/traces/" + trace + "/export";
            case 3 -> "/api/traces/" + trace + "/logs";
            case 4 -> "/api/export";
            case 5 -> "/api/llm/usage";
            case 6 -> "/api/primitives";
            case 7 -> "/api/operations";
            case 8 -> "/api/metrics";
            default -> "/api/stats";
        };
        StringBuilder query = new StringBuilder();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            query.append(i == 0 ? '?' : '&').append(encode(data.pickValue(OTHER))).append('=').append(encode(value(data)));
        }
        check(path + query);
    }

    /** Mostly values of the shapes the parameters take, so the fuzzer gets past the type conversion. */
    private static String value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Long.toString(data.consumeLong());
            case 1 -> Double.toString(data.consumeDouble());
            case 2 -> data.consumeBoolean() ? "true" : "false";
            default -> data.consumeString(60);
        };
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void check(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service.url(pathAndQuery)))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s answered %s", pathAndQuery, r.body()).isLessThan(500);
        if (r.statusCode() == 400) {
            assertThat(r.headers().firstValue("Content-Type")).as(pathAndQuery).get().asString()
                    .contains("problem+json");
            assertThat(r.body()).as(pathAndQuery).contains("\"detail\"");
        }
    }
}
