package dev.tta.obs.ports.in;

import dev.tta.obs.domain.telemetry.LogBatch;

import java.util.concurrent.CompletionStage;

/**
 * Use case: accept the log records of one logs export request. Same contract as
 * {@link IngestSpans}: completes only after the records are committed.
 */
public interface IngestLogs {
    CompletionStage<Void> ingest(LogBatch batch);
}
