package dev.tta.obs.ports.out;

import dev.tta.obs.domain.SpanBatch;

import java.util.List;

/**
 * Where accepted spans go to be kept.
 *
 * <p>Contract, checked by the storage contract suite:
 * <ul>
 *   <li><b>Durable before return.</b> When {@link #append} returns normally, every span of every
 *   batch is committed: a crash right after loses none of them. When it throws, none of the
 *   batches is visible (all or nothing), so the caller may answer the exporter with an error
 *   and the exporter's retry stores them once.</li>
 *   <li><b>Idempotent on (trace id, span id).</b> Appending a span that is already stored
 *   changes nothing a reader can see, so resent batches count once.</li>
 *   <li><b>Order-free.</b> Spans of one trace may arrive across many calls, children before
 *   parents; the stored trace and its summary are the same as for one ordered call.</li>
 *   <li><b>One writer.</b> Callers serialize their calls (the group-commit writer does); readers
 *   may run concurrently and see either all of a call's spans or none.</li>
 * </ul>
 */
public interface SpanSink {
    /**
     * @throws StoreUnavailableException when the database cannot be reached; retryable
     */
    void append(List<SpanBatch> batches);
}
