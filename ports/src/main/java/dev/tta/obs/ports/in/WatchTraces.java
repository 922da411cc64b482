package dev.tta.obs.ports.in;

/**
 * Use case: follow new and changed traces as they are committed.
 *
 * <p>Delivery contract: each subscriber gets at most one {@link LiveEvent.TraceChanged} per trace
 * per coalescing window (about 100 ms), always carrying the trace's latest summary. A subscriber
 * that does not drain its queue fast enough loses events, and is then told how many with one
 * {@link LiveEvent.Lagged} before anything else: it is never skipped silently.
 */
public interface WatchTraces {
    /**
     * @param ready called (from the feed's thread; must be quick) when the subscription has events
     *              to {@link LiveSubscription#poll() poll}
     */
    LiveSubscription subscribe(LiveFilter filter, Runnable ready);
}
