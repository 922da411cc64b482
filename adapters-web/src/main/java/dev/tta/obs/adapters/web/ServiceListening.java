package dev.tta.obs.adapters.web;

import java.util.concurrent.CompletableFuture;

/**
 * Completes once every listener of the service accepts connections. {@link HealthController} answers
 * only then, so the HTTP port may open while another listener (OTLP/gRPC) is still starting.
 */
public interface ServiceListening {
    CompletableFuture<Void> listening();
}
