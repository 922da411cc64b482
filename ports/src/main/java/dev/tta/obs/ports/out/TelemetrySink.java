package dev.tta.obs.ports.out;

import dev.tta.obs.domain.telemetry.LogBatch;
import dev.tta.obs.domain.telemetry.MetricBatch;

import java.util.List;

/**
 * Where accepted metrics and logs go to be kept.
 *
 * <p>Contract, as for {@link SpanSink}: <b>durable before return</b> (all or nothing per call),
 * <b>idempotent</b> (an identical point or record sent again, as exporters do on retry, is kept
 * once) and <b>one writer</b> (callers serialize their calls).
 */
public interface TelemetrySink {
    /** @throws StoreUnavailableException when the database cannot be reached; retryable */
    void appendMetrics(List<MetricBatch> batches);

    /** @throws StoreUnavailableException when the database cannot be reached; retryable */
    void appendLogs(List<LogBatch> batches);
}
