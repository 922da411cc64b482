package dev.tta.obs.ports.in;

import dev.tta.obs.domain.telemetry.MetricBatch;

import java.util.concurrent.CompletionStage;

/**
 * Use case: accept the data points of one metrics export request.
 *
 * <p>Same contract as {@link IngestSpans}: the stage completes only after the points are
 * committed; it fails with {@link IngestOverloadedException} when the queue is full (retryable)
 * or {@link dev.tta.obs.ports.out.StoreUnavailableException} when the store failed.
 */
public interface IngestMetrics {
    CompletionStage<Void> ingest(MetricBatch batch);
}
