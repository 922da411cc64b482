package dev.tta.obs.adapters.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.core.order.Ordered;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The protections that make a local trace viewer safe while the developer browses the web:
 * traces hold prompts and secrets, and any page they visit can send requests to localhost.
 * <ul>
 *   <li>Host check: a DNS-rebinding page reaches us under its own host name; we answer only to
 *   the names this server is really called by.</li>
 *   <li>Origin check on state-changing requests and on the WebSocket upgrade: a foreign page may
 *   send them blind (no CORS needed to send), so they are refused outright. Reads are already
 *   unreadable cross-origin because no CORS headers are sent.</li>
 *   <li>Optional keys: Bearer header or, for the dashboard we serve, a cookie the browser gets
 *   once it presented a key ({@link DashboardLogin}). Being on this machine proves nothing: a
 *   reverse proxy on the same host makes every visitor look local. A key's role ({@link AccessKeys})
 *   decides what it may do: 401 without a known key, 403 for a request its role may not make.</li>
 * </ul>
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class LocalhostGuard implements Ordered {
    private final WebSecurity security;
    @Nullable
    private final DashboardLogin login;

    public LocalhostGuard(WebSecurity security) {
        this.security = security;
        this.login = security.keys().required() ? new DashboardLogin(security.keys()) : null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        Optional<String> host = hostName(request.getHeaders().get(HttpHeaders.HOST));
        if (host.isEmpty() || !security.allowedHosts().contains(host.get())) {
            return ApiProblem.of(HttpStatus.FORBIDDEN, "Host not allowed",
                    "this tta-obs answers only to " + String.join(", ", security.allowedHosts().stream().sorted().toList())
                            + "; start it with --host to serve another name");
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeaders.UPGRADE));
        // MCP asks servers to check the Origin of every request, reads included
        if (upgrade || changesState(request.getMethod()) || isMcp(request.getPath())) {
            String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
            if (origin != null && !originAllowed(origin, request)) {
                return ApiProblem.of(HttpStatus.FORBIDDEN, "Origin not allowed",
                        "requests from web pages at " + origin + " may not change data, open the live feed or use /mcp");
            }
        }
        if (login != null && request.getMethod() == HttpMethod.GET && isPage(request.getPath())) {
            Optional<String> presented = DashboardLogin.tokenParameter(request);
            if (presented.isPresent()) {
                // the start-up link: trade the token for the cookie and leave no token in the URL
                Optional<AccessKeys.Role> role = login.roleOf(presented.get());
                return role.isPresent() && role.get() != AccessKeys.Role.INGEST
                        ? login.loggedIn(request, DashboardLogin.withoutToken(request), presented.get())
                        : DashboardLogin.redirect(DashboardLogin.LOGIN_PATH + "?wrong");
            }
            if (!request.getPath().equals(DashboardLogin.LOGIN_PATH) && !request.getParameters().contains("embed")
                    && !login.hasSessionCookie(request)) {
                // an embedding host (VS Code) hands the page its token itself; a browser logs in first
                return DashboardLogin.redirect(DashboardLogin.LOGIN_PATH);
            }
        }
        if (login != null && needsToken(request)) {
            Optional<AccessKeys.Role> role = roleOf(request);
            if (role.isEmpty()) {
                return ApiProblem.of(HttpStatus.UNAUTHORIZED, "Token required",
                        "this tta-obs was started with --auth-token; send it, an ingest key (to send OTLP) or a viewer "
                                + "key (to read) as 'Authorization: Bearer <token>'")
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tta-obs\"");
            }
            Optional<String> refused = AccessKeys.refusal(role.get(), request.getMethodName(), request.getPath());
            if (refused.isPresent()) {
                return ApiProblem.of(HttpStatus.FORBIDDEN, "Not allowed for this key", refused.get());
            }
        }
        return null;
    }

    private static boolean changesState(HttpMethod m) {
        return m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE;
    }

    private static boolean isPage(String path) {
        return path.equals("/") || path.equals("/index.html") || path.equals(DashboardLogin.LOGIN_PATH);
    }

    /** Static dashboard files hold no data; the login form is how a browser gets its cookie. */
    private static boolean needsToken(HttpRequest<?> request) {
        String path = request.getPath();
        if (path.equals(DashboardLogin.LOGIN_PATH)) {
            return false;
        }
        return path.startsWith("/api/") || path.equals("/api") || path.startsWith("/v1/") || isMcp(path)
                || request.getMethod() != HttpMethod.GET;
    }

    private static boolean isMcp(String path) {
        return path.equals("/mcp") || path.startsWith("/mcp/");
    }

    /**
     * Why the key this request presents may not change data through {@code what}, or empty when it
     * may: for an MCP tool that writes, which the path does not reveal. With no keys, nothing is refused.
     */
    public Optional<String> changeRefusal(HttpRequest<?> request, String what) {
        if (login == null) {
            return Optional.empty();
        }
        return roleOf(request).map(role -> AccessKeys.changeRefusal(role, what))
                .orElseGet(() -> Optional.of("no key was presented; " + what + " needs the --auth-token"));
    }

    /** The role of the key the request presents: its Bearer header, else the dashboard's cookie. */
    private Optional<AccessKeys.Role> roleOf(HttpRequest<?> request) {
        return security.keys().roleOfAuthorization(request.getHeaders().get(HttpHeaders.AUTHORIZATION))
                .or(() -> login.sessionRole(request));
    }

    private boolean originAllowed(String origin, HttpRequest<?> request) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (security.otlpOrigin().test(o) && request.getPath().startsWith("/v1/")) {
            // a browser app the user named with --cors-origin may send telemetry, nothing else
            return true;
        }
        if (security.allowedOrigins().contains(o) || o.startsWith("vscode-webview://")) {
            // no web page can claim a vscode-webview origin; VS Code's own panel can
            return true;
        }
        try {
            URI uri = URI.create(o);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                return false;
            }
            String host = uri.getHost();
            if (host == null || !security.allowedHosts().contains(host.startsWith("[") ? host : bracketIfV6(host))) {
                return false;
            }
            int port = uri.getPort() == -1 ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort();
            return port == request.getServerAddress().getPort();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String bracketIfV6(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The Host header without its port; IPv6 literals keep their brackets. */
    static Optional<String> hostName(@Nullable String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return Optional.empty();
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? Optional.empty() : Optional.of(h.substring(0, end + 1));
        }
        int colon = h.indexOf(':');
        return Optional.of(colon < 0 ? h : h.substring(0, colon));
    }
}
