package dev.tta.obs.adapters.otlp;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The receivers' limits and the browser origins allowed to export, from {@code tta.otlp.*}
 * properties (set by {@code tta-obs start} from its flags).
 */
@Singleton
public class OtlpReceiverSettings {
    private final long maxRequestBytes;
    private final AttributeLimits attributeLimits;
    private final Set<String> corsOrigins;

    public OtlpReceiverSettings(@Value("${tta.otlp.max-request-bytes:67108864}") long maxRequestBytes,
                                @Value("${tta.otlp.max-attributes:1024}") int maxAttributes,
                                @Value("${tta.otlp.max-attribute-length:1048576}") int maxAttributeLength,
                                @Value("${tta.otlp.cors-origins:}") String corsOrigins) {
        this.maxRequestBytes = maxRequestBytes;
        this.attributeLimits = new AttributeLimits(maxAttributes, maxAttributeLength);
        this.corsOrigins = Arrays.stream(corsOrigins.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Largest request body accepted, counted after gzip decompression. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public AttributeLimits attributeLimits() {
        return attributeLimits;
    }

    /**
     * Whether a web page of {@code origin} may export OTLP from a browser: it was given with
     * --cors-origin (a trailing {@code /} and letter case do not matter), or {@code *} was. The one
     * rule for this list: the web adapter's guard asks here too.
     */
    public boolean allowsOrigin(String origin) {
        return corsOrigins.contains("*") || corsOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }
}
