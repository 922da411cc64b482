package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.in.LiveEvent;
import dev.tta.obs.ports.in.LiveFilter;
import dev.tta.obs.ports.in.LiveSubscription;
import dev.tta.obs.ports.in.QueryBudget;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.domain.query.BudgetStatus;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.in.WatchTraces;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns commits into live events. The writer hands over the summaries it committed and returns
 * (it must stay quick); the feed's own thread fans them out. A trace sent less than one window ago
 * waits until the window has passed, so a burst of spans on one trace becomes one update per
 * window carrying the newest summary, not one per commit.
 */
public final class LiveTraceFeed implements WatchTraces, Consumer<List<TraceSummary>>, AutoCloseable {
    private static final long STATS_INTERVAL_NANOS = 500_000_000L;
    private static final long IDLE_STATS_NANOS = 1_000_000_000L;

    private final QueryTraces stats;
    private final QueryBudget budget;
    private final long windowNanos;
    private final int queueCapacity;
    private final List<LiveSubscription> subscribers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /** The newest committed summary of each trace not yet sent, in order of first change. */
    private final Map<TraceId, TraceSummary> dirty = new LinkedHashMap<>();
    private final Map<TraceId, Long> lastSent = new HashMap<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile TraceStats lastStats;
    private volatile BudgetStatus lastBudget;
    private long lastStatsAt;
    private final Function<Collection<TraceId>, Map<TraceId, List<Feedback>>> feedback;
    /** Traces whose evaluation results arrived over OTLP, their feedback not yet sent; guarded by lock. */
    private final Set<TraceId> evaluated = new LinkedHashSet<>();

    /**
     * @param windowMillis  at most one update per trace per this many milliseconds
     * @param queueCapacity events a subscriber may have waiting before it starts missing them
     */
    public LiveTraceFeed(QueryTraces stats, long windowMillis, int queueCapacity) {
        this(stats, QueryBudget.NONE, windowMillis, queueCapacity);
    }

    /** @param budget checked with the stats; a crossing is pushed as {@link LiveEvent.BudgetChanged} */
    public LiveTraceFeed(QueryTraces stats, QueryBudget budget, long windowMillis, int queueCapacity) {
        this(stats, budget, ids -> Map.of(), windowMillis, queueCapacity);
    }

    /**
     * @param feedback reads the feedback of traces, for {@link #evaluationsArrived}: on the feed's
     *                 own thread, so no writer waits for it
     */
    public LiveTraceFeed(QueryTraces stats, QueryBudget budget,
                         Function<Collection<TraceId>, Map<TraceId, List<Feedback>>> feedback, long windowMillis,
                         int queueCapacity) {
        this.stats = stats;
        this.feedback = feedback;
        this.budget = budget;
        this.windowNanos = windowMillis * 1_000_000L;
        this.queueCapacity = queueCapacity;
        this.thread = new Thread(this::run, "tta-obs-live-feed");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public LiveSubscription subscribe(LiveFilter filter, Runnable ready) {
        LiveSubscription[] self = new LiveSubscription[1];
        LiveSubscription s = new LiveSubscription(filter, queueCapacity, ready, () -> subscribers.remove(self[0]));
        self[0] = s;
        subscribers.add(s);
        // a new subscriber should not wait for the next change to fill its status bar; read them
        // now, as nobody kept them current while no one was subscribed
        TraceStats known;
        try {
            known = stats.stats();
            lastStats = known;
        } catch (RuntimeException e) {
            known = lastStats;
        }
        if (known != null) {
            s.offer(new LiveEvent.StatsChanged(known));
        }
        BudgetStatus crossed = lastBudget;
        if (crossed != null && crossed.exceeded()) {
            s.offer(new LiveEvent.BudgetChanged(crossed));
        }
        return s;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** The group-commit writer's after-commit hook: records the committed summaries and returns. */
    @Override
    public void accept(List<TraceSummary> committed) {
        if (subscribers.isEmpty() || committed.isEmpty()) {
            return;
        }
        synchronized (lock) {
            for (TraceSummary s : committed) {
                dirty.put(s.traceId(), s);
            }
            lock.notifyAll();
        }
    }

    /** Feedback given or removed through the API: pushed at once, it is rare and a person waits for it. */
    public void feedbackChanged(TraceId traceId, List<Feedback> feedback) {
        if (!subscribers.isEmpty()) {
            publish(new LiveEvent.FeedbackChanged(traceId, feedback));
        }
    }

    /**
     * Evaluation results that arrived over OTLP (span events, log records) and were stored: each
     * trace's feedback is then sent as the same message the API's changes send, from the feed's thread.
     */
    public void evaluationsArrived(Collection<TraceId> traces) {
        if (subscribers.isEmpty() || traces.isEmpty()) {
            return;
        }
        synchronized (lock) {
            evaluated.addAll(traces);
            lock.notifyAll();
        }
    }

    private void run() {
        while (!closing) {
            List<TraceSummary> due;
            try {
                due = takeDue();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (!subscribers.isEmpty()) {
                    for (TraceSummary s : due) {
                        publish(new LiveEvent.TraceChanged(s));
                    }
                }
                publishEvaluated();
                maybePublishStats(!due.isEmpty());
            } catch (RuntimeException e) {
                // a failed stats read must not stop the feed
            }
        }
    }

    private void publishEvaluated() {
        List<TraceId> judged;
        synchronized (lock) {
            judged = new ArrayList<>(evaluated);
            evaluated.clear();
        }
        if (judged.isEmpty() || subscribers.isEmpty()) {
            return;
        }
        Map<TraceId, List<Feedback>> now = feedback.apply(judged);
        for (TraceId id : judged) {
            publish(new LiveEvent.FeedbackChanged(id, now.getOrDefault(id, List.of())));
        }
    }

    /** Waits until some dirty trace is out of its window (or a stats tick is due) and takes those. */
    private List<TraceSummary> takeDue() throws InterruptedException {
        synchronized (lock) {
            while (!closing) {
                long now = System.nanoTime();
                lastSent.values().removeIf(t -> now - t >= windowNanos);
                List<TraceSummary> due = new ArrayList<>();
                long nextWake = now + IDLE_STATS_NANOS;
                for (Iterator<TraceSummary> it = dirty.values().iterator(); it.hasNext(); ) {
                    TraceSummary summary = it.next();
                    TraceId id = summary.traceId();
                    Long sent = lastSent.get(id);
                    if (sent == null) {
                        due.add(summary);
                        it.remove();
                        lastSent.put(id, now);
                    } else {
                        nextWake = Math.min(nextWake, sent + windowNanos);
                    }
                }
                if (!due.isEmpty() || !evaluated.isEmpty() || now - lastStatsAt >= IDLE_STATS_NANOS) {
                    return due;
                }
                long waitNanos = Math.max(1_000_000L, nextWake - now);
                lock.wait(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
            }
            return List.of();
        }
    }

    private void maybePublishStats(boolean committed) {
        long now = System.nanoTime();
        long interval = committed ? STATS_INTERVAL_NANOS : IDLE_STATS_NANOS;
        if (subscribers.isEmpty() && lastStats != null) {
            lastStatsAt = now;
            return;
        }
        if (now - lastStatsAt < interval) {
            return;
        }
        lastStatsAt = now;
        TraceStats current = stats.stats();
        if (!Objects.equals(current, lastStats)) {
            lastStats = current;
            publish(new LiveEvent.StatsChanged(current));
        }
        Optional<BudgetStatus> spending = budget.budget();
        if (spending.isPresent()) {
            BudgetStatus before = lastBudget;
            BudgetStatus after = spending.get();
            lastBudget = after;
            // spending moves with every priced run; only a crossing (or another run over) is news
            if (before == null ? after.exceeded() : !crossing(before).equals(crossing(after))) {
                publish(new LiveEvent.BudgetChanged(after));
            }
        }
    }

    private static List<Object> crossing(BudgetStatus b) {
        return List.of(b.budget(), b.dailyExceeded(), b.runsOverBudget());
    }

    private void publish(LiveEvent event) {
        for (LiveSubscription s : subscribers) {
            s.offer(event);
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        for (LiveSubscription s : subscribers) {
            s.close();
        }
    }
}
