package dev.tta.obs.ports.in;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * One live subscriber's bounded queue. The feed offers events; the adapter polls them as fast as
 * its client takes them. When the queue is full new events are counted as missed, and the next
 * poll answers {@link LiveEvent.Lagged} with that count first.
 */
public final class LiveSubscription implements AutoCloseable {
    private final int capacity;
    private final Runnable ready;
    private final Runnable onClose;
    private final ArrayDeque<LiveEvent> queue = new ArrayDeque<>();
    private volatile LiveFilter filter;
    private long missed;
    private boolean closed;

    public LiveSubscription(LiveFilter filter, int capacity, Runnable ready, Runnable onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.filter = filter;
        this.capacity = capacity;
        this.ready = ready;
        this.onClose = onClose;
    }

    public LiveFilter filter() {
        return filter;
    }

    /** Applies from the next event on; what is already queued stays. */
    public void filter(LiveFilter filter) {
        this.filter = filter;
    }

    /** Called by the feed. Never blocks. */
    public void offer(LiveEvent event) {
        if (event instanceof LiveEvent.TraceChanged t && !filter.matches(t.summary())) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                missed++;
                return;
            }
            queue.add(event);
        }
        ready.run();
    }

    public synchronized Optional<LiveEvent> poll() {
        if (missed > 0) {
            LiveEvent lagged = new LiveEvent.Lagged(missed);
            missed = 0;
            return Optional.of(lagged);
        }
        return Optional.ofNullable(queue.poll());
    }

    public synchronized int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        onClose.run();
    }
}
