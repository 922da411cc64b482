package dev.tta.obs.adapters.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tools of a running tta-obs, called over its {@code /mcp} endpoint: for `tta-obs mcp` (stdio in
 * front of a running service) and the query commands of the CLI.
 */
public final class RemoteTools implements McpServers.ToolCaller {
    /** Why a running tta-obs could not be asked. */
    public static final class RemoteException extends RuntimeException {
        public enum Kind { UNREACHABLE, REFUSED, FAILED }

        private final Kind kind;

        RemoteException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    private final URI endpoint;
    private final String base;
    private final Optional<String> token;
    private final McpJsonMapper json = McpServers.jsonMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final AtomicLong ids = new AtomicLong();

    public RemoteTools(String url, Optional<String> token) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("--url must start with http:// or https://, got '" + url + "'");
        }
        try {
            this.endpoint = URI.create(u + "/mcp");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url is not a URL: '" + url + "'");
        }
        this.base = u;
        this.token = token.filter(t -> !t.isBlank()).map(String::trim);
    }

    public String url() {
        return base;
    }

    /** The running service's tools; also the check that one answers. */
    public List<McpSchema.Tool> listTools() {
        Object result = send(McpSchema.METHOD_TOOLS_LIST, Map.of());
        return json.convertValue(result, McpSchema.ListToolsResult.class).tools();
    }

    @Override
    public McpSchema.CallToolResult call(String name, Map<String, Object> arguments) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments == null ? Map.of() : arguments);
        return json.convertValue(send(McpSchema.METHOD_TOOLS_CALL, params), McpSchema.CallToolResult.class);
    }

    /** The text of one resource of the running service, e.g. {@link McpServers#PRICES_URI}. */
    public String readResource(String uri) {
        McpSchema.ReadResourceResult r = json.convertValue(send(McpSchema.METHOD_RESOURCES_READ, Map.of("uri", uri)),
                McpSchema.ReadResourceResult.class);
        StringBuilder text = new StringBuilder();
        for (McpSchema.ResourceContents c : r.contents()) {
            if (c instanceof McpSchema.TextResourceContents t) {
                text.append(t.text());
            }
        }
        return text.toString();
    }

    private Object send(String method, Map<String, Object> params) {
        Map<String, Object> rpc = new LinkedHashMap<>();
        rpc.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        rpc.put("id", ids.incrementAndGet());
        rpc.put("method", method);
        rpc.put("params", params);
        HttpResponse<String> r;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(rpc)));
            token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new RemoteException(RemoteException.Kind.UNREACHABLE, "no tta-obs answers at " + base
                    + " (is `tta-obs start` running? pass --url)");
        } catch (IOException e) {
            throw new RemoteException(RemoteException.Kind.UNREACHABLE, "cannot reach tta-obs at " + base + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException(RemoteException.Kind.FAILED, "interrupted");
        }
        if (r.statusCode() == 401) {
            throw new RemoteException(RemoteException.Kind.REFUSED, "tta-obs at " + base + " wants its --auth-token: "
                    + (token.isPresent() ? "the token given is not it" : "set TTA_OBS_AUTH_TOKEN or pass --auth-token"));
        }
        if (r.statusCode() == 403) {
            throw new RemoteException(RemoteException.Kind.REFUSED, "tta-obs at " + base + " refused the request: "
                    + problemDetail(r.body()));
        }
        if (r.statusCode() == 404 || r.statusCode() == 405) {
            throw new RemoteException(RemoteException.Kind.FAILED, base + " has no MCP endpoint (an older tta-obs, "
                    + "or not tta-obs?)");
        }
        if (r.statusCode() != 200) {
            throw new RemoteException(RemoteException.Kind.FAILED, "tta-obs at " + base + " answered "
                    + r.statusCode() + ": " + problemDetail(r.body()));
        }
        Map<String, Object> response;
        try {
            response = json.readValue(r.body(), new TypeRef<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new RemoteException(RemoteException.Kind.FAILED, base + " answered something that is not JSON-RPC");
        }
        if (response.get("error") instanceof Map<?, ?> error) {
            throw new RemoteException(RemoteException.Kind.FAILED, "tta-obs at " + base + ": " + error.get("message"));
        }
        return response.get("result");
    }

    /**
     * The "detail" of a problem+json answer (RFC 9457, as tta-obs's API answers errors), else the body
     * itself, shortened: what a one-line error about a remote tta-obs shows. Also used by app's
     * RemoteService, for export and import over --url.
     */
    public static String problemDetail(String body) {
        int i = body.indexOf("\"detail\"");
        if (i >= 0) {
            int start = body.indexOf('"', body.indexOf(':', i) + 1);
            int end = body.indexOf('"', start + 1);
            if (start > 0 && end > start) {
                return body.substring(start + 1, end);
            }
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
