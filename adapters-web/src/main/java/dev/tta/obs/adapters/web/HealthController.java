package dev.tta.obs.adapters.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers once the context, and so the store, is up: scripts and the launcher poll it. While writes
 * fail, {@code status} is {@code degraded} with the {@code reason} (still 200: the service is up and
 * serves what it has); {@code ok} again after the next write that works. While a listener is still
 * starting ({@link ServiceListening}), the answer waits for it, without holding a thread.
 */
@Controller("/api/health")
public class HealthController {
    private final ServiceInfo info;
    private final WriteHealth writes;
    private final ServiceListening listening;

    public HealthController(ServiceInfo info, WriteHealth writes, @Nullable ServiceListening listening) {
        this.info = info;
        this.writes = writes;
        this.listening = listening;
    }

    @Get(produces = "application/json")
    public CompletableFuture<Map<String, Object>> health() {
        if (listening == null) {
            return CompletableFuture.completedFuture(status());
        }
        return listening.listening().thenApply(ignored -> status());
    }

    private Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Optional<String> problem = writes.problem();
        m.put("status", problem.isPresent() ? "degraded" : "ok");
        problem.ifPresent(p -> m.put("reason", "cannot store telemetry: " + p));
        m.put("version", info.version());
        m.put("storage", info.storage());
        return m;
    }
}
