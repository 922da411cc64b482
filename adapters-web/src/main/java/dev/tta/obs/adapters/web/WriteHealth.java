package dev.tta.obs.adapters.web;

import java.util.Optional;

/** Why received telemetry cannot be stored right now (a full disk, an I/O error), if it cannot; the app asks the stores. */
@FunctionalInterface
public interface WriteHealth {
    Optional<String> problem();
}
