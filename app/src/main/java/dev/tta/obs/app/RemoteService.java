package dev.tta.obs.app;

import dev.tta.obs.adapters.mcp.RemoteTools;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A running tta-obs reached over its REST API, for the `--url` forms of export and import. */
final class RemoteService {
    private final URI base;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RemoteService(String url, Optional<String> token) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("--url must start with http:// or https://, got '" + url + "'");
        }
        this.base = URI.create(u);
        this.token = token.filter(t -> !t.isBlank());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    static String query(Map<String, List<String>> params) {
        StringBuilder q = new StringBuilder();
        params.forEach((k, values) -> values.forEach(v -> q.append(q.length() == 0 ? '?' : '&')
                .append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return q.toString();
    }

    InputStream download(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            r.body().close();
            throw new IllegalArgumentException(base + " answered " + r.statusCode() + ": " + RemoteTools.problemDetail(body));
        }
        return r.body();
    }

    String upload(String pathAndQuery, Path file) throws IOException, InterruptedException {
        HttpResponse<String> r = send(request(pathAndQuery).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalArgumentException(base + " answered " + r.statusCode() + ": " + RemoteTools.problemDetail(r.body()));
        }
        return r.body();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new IllegalArgumentException("cannot reach tta-obs at " + base + " (is `tta-obs start` running?)");
        }
    }
}
