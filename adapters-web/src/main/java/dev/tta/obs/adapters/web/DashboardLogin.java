package dev.tta.obs.adapters.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a browser proves it knows a key without the key ever travelling back to it: the user
 * presents the --auth-token or a viewer key once (the start-up link or the form at {@code /login})
 * and gets a cookie holding a value derived from it. A response never carries the key itself, so
 * a page load from this machine or through a reverse proxy learns nothing it did not already send.
 * The cookie keeps the key's role: a viewer's dashboard can read but not delete or import.
 */
final class DashboardLogin {
    static final String COOKIE_PREFIX = "tta_obs_token_";
    static final String LOGIN_PATH = "/login";
    /** The query parameter of the link printed at start-up. */
    static final String TOKEN_PARAMETER = "token";

    private final AccessKeys keys;
    /** The cookie value of each key that may open the dashboard, with its role. */
    private final List<Map.Entry<byte[], AccessKeys.Role>> sessions = new ArrayList<>();

    DashboardLogin(AccessKeys keys) {
        this.keys = keys;
        for (Map.Entry<byte[], AccessKeys.Role> k : keys.all()) {
            if (k.getValue() != AccessKeys.Role.INGEST) {
                sessions.add(Map.entry(derive(k.getKey()).getBytes(StandardCharsets.UTF_8), k.getValue()));
            }
        }
    }

    /**
     * HMAC rather than a random value per process: the dashboard stays logged in across restarts
     * with the same key, and a changed key invalidates its cookies at once.
     */
    private static String derive(byte[] token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("tta-obs dashboard cookie v1".getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The role of a presented key, whatever it may do. */
    Optional<AccessKeys.Role> roleOf(String candidate) {
        return keys.roleOf(candidate);
    }

    /** The role of the browser's session cookie, if it has a valid one. */
    Optional<AccessKeys.Role> sessionRole(HttpRequest<?> request) {
        Optional<byte[]> value = request.getCookies().findCookie(cookieName(request))
                .map(c -> c.getValue().getBytes(StandardCharsets.UTF_8));
        if (value.isEmpty()) {
            return Optional.empty();
        }
        AccessKeys.Role found = null;
        for (Map.Entry<byte[], AccessKeys.Role> s : sessions) {
            if (MessageDigest.isEqual(s.getKey(), value.get()) && found == null) {
                found = s.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    boolean hasSessionCookie(HttpRequest<?> request) {
        return sessionRole(request).isPresent();
    }

    /** Cookies ignore ports, so two instances on one machine must not overwrite each other's. */
    static String cookieName(HttpRequest<?> request) {
        return COOKIE_PREFIX + request.getServerAddress().getPort();
    }

    /**
     * 303 to {@code location} with the session cookie of {@code key}, a key that may open the
     * dashboard: the URL bar and history keep no token.
     */
    MutableHttpResponse<?> loggedIn(HttpRequest<?> request, String location, String key) {
        Cookie cookie = Cookie.of(cookieName(request), derive(key.trim().getBytes(StandardCharsets.UTF_8)))
                .path("/").httpOnly(true).sameSite(SameSite.Strict)
                // behind a TLS-terminating proxy the browser must never send it over plain HTTP
                .secure("https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto")));
        return noTrace(HttpResponse.seeOther(URI.create(location)).cookie(cookie));
    }

    static MutableHttpResponse<?> redirect(String location) {
        return noTrace(HttpResponse.seeOther(URI.create(location)));
    }

    /** Neither caches nor the Referer of the next page may keep a URL that held the token. */
    static <T> MutableHttpResponse<T> noTrace(MutableHttpResponse<T> response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Referrer-Policy", "no-referrer");
    }

    /** The request's path and query without the token parameter, as a relative URL. */
    static String withoutToken(HttpRequest<?> request) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, List<String>> e : request.getParameters().asMap().entrySet()) {
            if (e.getKey().equals(TOKEN_PARAMETER)) {
                continue;
            }
            for (String v : e.getValue()) {
                query.append(query.isEmpty() ? '?' : '&').append(encode(e.getKey()));
                if (!v.isEmpty()) {
                    query.append('=').append(encode(v));
                }
            }
        }
        String path = request.getPath();
        return (path.equals(LOGIN_PATH) ? "/" : path) + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Optional<String> tokenParameter(HttpRequest<?> request) {
        return request.getParameters().getFirst(TOKEN_PARAMETER);
    }

    static MutableHttpResponse<String> form(boolean wrong) {
        return form(wrong ? "That token is not the one this tta-obs was started with." : null);
    }

    /** The login form, with {@code alert} (plain text) above it when the last try was refused. */
    static MutableHttpResponse<String> form(@io.micronaut.core.annotation.Nullable String alert) {
        boolean wrong = alert != null;
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>tta-obs: log in</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:15vh auto;padding:0 1rem}
                input{font:inherit;width:100%%;box-sizing:border-box;padding:.4rem;margin:.5rem 0}
                button{font:inherit;padding:.4rem 1rem}.wrong{color:#b00020}</style></head>
                <body><h1>tta-obs</h1>
                <p>This tta-obs was started with an auth token. Paste it here, or open the link
                tta-obs printed when it started.</p>
                %s<form method="post" action="/login">
                <label for="token">Token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
                <button type="submit">Open the dashboard</button></form></body></html>
                """.formatted(wrong ? "<p class=\"wrong\" role=\"alert\">" + alert + "</p>\n" : "");
        return noTrace(HttpResponse.<String>status(wrong ? HttpStatus.UNAUTHORIZED : HttpStatus.OK).body(html)
                .contentType(MediaType.TEXT_HTML + ";charset=utf-8"));
    }
}
