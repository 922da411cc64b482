package dev.tta.obs.ports.out;

import dev.tta.obs.domain.SpanBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Where accepted spans go to be kept.
 *
 * <p>A write has two halves. {@link #prepare} does the CPU work that needs no database (grouping by
 * trace, summaries, encoding, search terms); it is called on the exporter's request thread, so
 * several exports are prepared in parallel. {@link #write} then commits prepared batches from the
 * single writer thread, which is left with little more than the inserts.
 *
 * <p>Contract, checked by the storage contract suite:
 * <ul>
 *   <li><b>Durable before return.</b> When {@link #write} returns normally, every span of every
 *   batch is committed: a crash right after loses none of them. When it throws, none of the
 *   batches is visible (all or nothing), so the caller may answer the exporter with an error
 *   and the exporter's retry stores them once.</li>
 *   <li><b>Idempotent on (trace id, span id).</b> Writing a span that is already stored
 *   changes nothing a reader can see, so resent batches count once.</li>
 *   <li><b>Order-free.</b> Spans of one trace may arrive across many calls, children before
 *   parents; the stored trace and its summary are the same as for one ordered call.</li>
 *   <li><b>One writer.</b> Callers serialize their {@link #write} calls (the group-commit writer
 *   does); {@link #prepare} may run on any number of threads at once; readers may run concurrently
 *   and see either all of a call's spans or none.</li>
 * </ul>
 */
public interface SpanSink {

    /** A batch readied for {@link #write}; a store may carry any precomputed form of it. */
    interface Prepared {
        SpanBatch batch();
    }

    /**
     * Readies a batch without touching the database. Thread-safe. A store given a {@link Prepared}
     * made by another store (or by this default) prepares it again inside {@link #write}.
     */
    default Prepared prepare(SpanBatch batch) {
        return () -> batch;
    }

    /**
     * Commits the batches, all or nothing.
     *
     * @throws StoreUnavailableException when the database cannot be reached; retryable
     */
    void write(List<? extends Prepared> batches);

    /** Prepares and writes on the caller's thread: for imports, tests and tools. */
    default void append(List<SpanBatch> batches) {
        List<Prepared> prepared = new ArrayList<>(batches.size());
        for (SpanBatch b : batches) {
            prepared.add(prepare(b));
        }
        write(prepared);
    }
}
