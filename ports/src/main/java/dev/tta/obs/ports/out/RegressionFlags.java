package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceId;

import java.util.Map;

/**
 * Where the verdict "this run regressed against its earlier runs" is kept, so the trace list can
 * show and filter by it without comparing every row on every read.
 *
 * <p>Contract, checked by the storage contract suite: a verdict for a trace not stored is ignored;
 * a search with {@code regressionsOnly} finds exactly the traces whose last verdict is true, and
 * its page names them in {@code regressions}; a later write to a trace clears its verdict until
 * it is judged again (new spans may change it).
 */
public interface RegressionFlags {
    void flagRegressions(Map<TraceId, Boolean> verdicts);
}
