package dev.tta.obs.adapters.web;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answers once the context, and so the store, is up: scripts and the launcher poll it. */
@Controller("/api/health")
public class HealthController {
    private final ServiceInfo info;

    public HealthController(ServiceInfo info) {
        this.info = info;
    }

    @Get(produces = "application/json")
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("version", info.version());
        m.put("storage", info.storage());
        return m;
    }
}
