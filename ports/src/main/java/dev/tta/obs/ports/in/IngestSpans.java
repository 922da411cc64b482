package dev.tta.obs.ports.in;

import dev.tta.obs.domain.SpanBatch;

import java.util.concurrent.CompletionStage;

/**
 * Use case: accept the spans of one export request.
 *
 * <p>The returned stage completes only after every span of the batch is committed, so a
 * receiver that answers success on completion never acknowledges data it could lose. It
 * completes exceptionally with {@link IngestOverloadedException} when the queue is full (the
 * exporter should retry after a pause) or with
 * {@link dev.tta.obs.ports.out.StoreUnavailableException} when the store failed.
 */
public interface IngestSpans {
    CompletionStage<Void> ingest(SpanBatch batch);
}
