package dev.tta.obs.ports.out;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;

import java.util.List;

/**
 * Where accepted spans are kept. The core decides what to write (which spans are new, each
 * trace's summary, the summary it replaces; see {@code TraceIngest}); a sink only stores it.
 *
 * <p>A write has two halves. {@link #encode} turns one trace's new spans into the store's own
 * form ({@code E}: bytes, index terms); it is pure and called on the exporters' request threads, so
 * several exports are encoded in parallel. {@link #write} then commits from a writer thread, which
 * is left with little more than the inserts.
 *
 * <p>Contract, checked by the storage contract suite:
 * <ul>
 *   <li><b>Durable before return.</b> When {@link #write} returns normally, every write of the
 *   plan is committed: a crash right after loses none of them. When it throws, none is visible
 *   (all or nothing), so the caller may answer the exporter with an error and the exporter's retry
 *   stores them once.</li>
 *   <li><b>Stored as told.</b> A {@link TraceWrite}'s spans are added to its trace and its summary
 *   replaces the stored one; {@link StoredTraces}, read inside the same transaction, is what the
 *   plan merges with, so idempotence and order-freedom (decided by the core) hold.</li>
 *   <li><b>One writer, unless the store says otherwise.</b> Callers run at most
 *   {@link #concurrentWrites} {@link #write} calls at once (the group-commit writers do);
 *   {@link #encode} may run on any number of threads at once; readers may run concurrently and
 *   see either all of a call's writes or none.</li>
 * </ul>
 *
 * @param <E> the store's encoding of a chunk of spans; only the store looks inside it
 */
public interface SpanSink<E> {

    /**
     * The store's form of {@code spans} (distinct, all of {@code traceId}) with {@code summary},
     * the summary of the trace they join. Pure and thread-safe.
     */
    E encode(TraceId traceId, List<Span> spans, TraceSummary summary);

    /** Decides the writes of one commit from what is stored; called once, inside the commit. */
    @FunctionalInterface
    interface WritePlan<E> {
        List<TraceWrite<E>> against(StoredTraces stored);
    }

    /**
     * Commits what {@code plan} decides against the stored traces, all or nothing, stamping
     * {@code arrivedUnixNano} as the touched traces' arrival (retention goes by it).
     *
     * @return the writes committed
     * @throws StoreUnavailableException when the database cannot be reached; retryable
     */
    List<TraceWrite<E>> write(long arrivedUnixNano, WritePlan<E> plan);

    /**
     * How many {@link #write} calls may overlap: 1 by default. A store whose writes lock the traces
     * they touch in the database (two writes of one trace take turns, and the second merges with
     * what the first committed) may take more, so one commit's work overlaps another's wait.
     */
    default int concurrentWrites() {
        return 1;
    }
}
