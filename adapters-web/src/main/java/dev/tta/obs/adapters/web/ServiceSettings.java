package dev.tta.obs.adapters.web;

import java.util.Map;
import java.util.Optional;

/**
 * What /api/settings reports beyond {@link ServiceInfo}; the app builds it from its configuration.
 * Retention, evictions and prices belong to other parts of the service: until they exist, their
 * fields are empty (shown as null) rather than invented.
 */
public record ServiceSettings(Map<String, Integer> ports, Optional<Long> maxTraces, Optional<String> maxAge,
                              long evictedTraces, Optional<String> priceTableDate, boolean authTokenRequired) {
    public ServiceSettings {
        ports = Map.copyOf(ports);
    }
}
