package dev.tta.obs.adapters.web;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Who may talk to this server, built by the app from its flags.
 *
 * @param allowedHosts   host names (without port) accepted in the Host header; anything else is a
 *                       DNS-rebinding attempt or a misconfiguration and is refused
 * @param keys           when any, one is required on every API, live-feed, MCP and OTLP request,
 *                       and its role decides what that request may do
 * @param otlpOrigin     --cors-origin: whether a web page of this origin may export OTLP from a
 *                       browser, and only that (the OTLP receiver's settings own the list)
 * @param allowedOrigins browser origins (scheme://host:port) allowed to change state or open the
 *                       live feed, besides the server's own
 */
public record WebSecurity(Set<String> allowedHosts, AccessKeys keys, Set<String> allowedOrigins,
                          Predicate<String> otlpOrigin) {
    public WebSecurity {
        allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        allowedOrigins = allowedOrigins.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        Objects.requireNonNull(keys, "keys");
    }

    /** The full-access key (--auth-token), when one is set: every other key needs it too. */
    public Optional<String> authToken() {
        return keys.full();
    }

    public static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
}
