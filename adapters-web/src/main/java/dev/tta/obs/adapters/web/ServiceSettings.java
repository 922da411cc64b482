package dev.tta.obs.adapters.web;

import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What /api/settings reports beyond {@link ServiceInfo}; the app builds it from its configuration.
 * An absent limit means none (shown as null), never an invented default.
 *
 * @param evictedTraces read on every request: retention keeps counting while the service runs
 */
public record ServiceSettings(Map<String, Integer> ports, Optional<Long> maxTraces, Optional<String> maxAge,
                              LongSupplier evictedTraces, Optional<String> priceTableDate, boolean authTokenRequired) {
    public ServiceSettings {
        ports = Map.copyOf(ports);
    }
}
