package dev.tta.obs.adapters.web;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Who may talk to this server, built by the app from its flags.
 *
 * @param allowedHosts   host names (without port) accepted in the Host header; anything else is a
 *                       DNS-rebinding attempt or a misconfiguration and is refused
 * @param authToken      when present, required on every API, live-feed and OTLP request
 * @param otlpOrigin     --cors-origin: whether a web page of this origin may export OTLP from a
 *                       browser, and only that (the OTLP receiver's settings own the list)
 * @param allowedOrigins browser origins (scheme://host:port) allowed to change state or open the
 *                       live feed, besides the server's own
 */
public record WebSecurity(Set<String> allowedHosts, Optional<String> authToken, Set<String> allowedOrigins,
                          Predicate<String> otlpOrigin) {
    public WebSecurity {
        allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        allowedOrigins = allowedOrigins.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        authToken = authToken.filter(t -> !t.isBlank());
    }

    public static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
}
