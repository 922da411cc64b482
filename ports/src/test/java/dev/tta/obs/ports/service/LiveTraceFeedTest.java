package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.in.LiveEvent;
import dev.tta.obs.ports.in.LiveFilter;
import dev.tta.obs.ports.in.LiveSubscription;
import dev.tta.obs.ports.in.QueryBudget;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.domain.query.Budget;
import dev.tta.obs.domain.query.BudgetStatus;
import dev.tta.obs.domain.query.TraceStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class LiveTraceFeedTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(WorkflowRollupCalculator.NONE);
    private final Map<TraceId, TraceSummary> stored = new ConcurrentHashMap<>();
    private LiveTraceFeed feed;

    private QueryTraces stats() {
        return (QueryTraces) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {QueryTraces.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("stats")) {
                        return new TraceStats(stored.size(), 0, 0, 0, 0, 0, Optional.of(0.0), 0);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @AfterEach
    void close() {
        if (feed != null) {
            feed.close();
        }
    }

    private void commit(int trace, int spans) {
        var list = Fixtures.trace(trace, spans, "t" + trace);
        TraceSummary summary = ASSEMBLER.summarize(Fixtures.traceId(trace), list);
        stored.put(Fixtures.traceId(trace), summary);
        feed.accept(List.of(summary));
    }

    private static List<LiveEvent> drain(LiveSubscription s) {
        List<LiveEvent> out = new ArrayList<>();
        for (Optional<LiveEvent> e = s.poll(); e.isPresent(); e = s.poll()) {
            out.add(e.get());
        }
        return out;
    }

    private static List<TraceSummary> traces(List<LiveEvent> events) {
        return events.stream().filter(e -> e instanceof LiveEvent.TraceChanged)
                .map(e -> ((LiveEvent.TraceChanged) e).summary()).toList();
    }

    @Test
    void aNewSubscriber_firstGetsTheStatsAsTheyAreNow() throws Exception {
        feed = new LiveTraceFeed(stats(), 100, 1000);
        // the feed reads stats once on its own; then traces arrive while no one is subscribed
        Thread.sleep(300);
        commit(1, 2);
        commit(2, 1);
        LiveSubscription sub = feed.subscribe(LiveFilter.ALL, () -> { });
        LiveEvent first = sub.poll().orElseThrow();
        assertThat(first).isInstanceOf(LiveEvent.StatsChanged.class);
        assertThat(((LiveEvent.StatsChanged) first).stats().traceCount()).isEqualTo(2);
    }

    @Test
    void evaluationsThatArrivedOverOtlp_areSentAsTheApisFeedbackMessage_readOnTheFeedsThread() throws Exception {
        var item = dev.tta.obs.domain.feedback.NewFeedback.of(Fixtures.traceId(3), Optional.empty(), "helpfulness",
                Optional.of(0.9), Optional.empty(), Optional.empty(), Optional.of("otlp")).stored(11, 1);
        List<String> readOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        feed = new LiveTraceFeed(stats(), QueryBudget.NONE, ids -> {
            readOn.add(Thread.currentThread().getName());
            return java.util.Map.of(Fixtures.traceId(3), List.of(item));
        }, 100, 1000);
        LiveSubscription sub = feed.subscribe(LiveFilter.ALL, () -> { });
        feed.evaluationsArrived(java.util.Set.of(Fixtures.traceId(3), Fixtures.traceId(4)));
        List<LiveEvent.FeedbackChanged> got = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.size() < 2 && System.nanoTime() < deadline) {
            drain(sub).stream().filter(e -> e instanceof LiveEvent.FeedbackChanged)
                    .forEach(e -> got.add((LiveEvent.FeedbackChanged) e));
            Thread.sleep(10);
        }
        assertThat(got).extracting(LiveEvent.FeedbackChanged::traceId)
                .containsExactlyInAnyOrder(Fixtures.traceId(3), Fixtures.traceId(4));
        assertThat(got.stream().filter(e -> e.traceId().equals(Fixtures.traceId(3))).findFirst().orElseThrow()
                .feedback()).containsExactly(item);
        assertThat(got.stream().filter(e -> e.traceId().equals(Fixtures.traceId(4))).findFirst().orElseThrow()
                .feedback()).isEmpty();
        assertThat(readOn).containsOnly("tta-obs-live-feed");
    }

    @Test
    void feedbackGivenThroughTheApi_reachesEverySubscriberAtOnce_whateverItsFilter() {
        feed = new LiveTraceFeed(stats(), 100, 1000);
        LiveSubscription errorsOnly = feed.subscribe(new LiveFilter(Optional.empty(), true, Optional.empty()), () -> { });
        var item = dev.tta.obs.domain.feedback.NewFeedback.of(Fixtures.traceId(1), Optional.empty(), "thumbs",
                Optional.of(0.0), Optional.of("down"), Optional.empty(), Optional.of("dashboard")).stored(7, 1);
        new FeedbackService(new dev.tta.obs.ports.out.FeedbackStore() {
            @Override
            public Optional<dev.tta.obs.domain.feedback.Feedback> addFeedback(
                    dev.tta.obs.domain.feedback.NewFeedback f, long at) {
                return Optional.of(item);
            }

            @Override
            public void addEvaluations(List<dev.tta.obs.domain.feedback.NewFeedback> e, long at) {
            }

            @Override
            public boolean deleteFeedback(TraceId traceId, long id) {
                return false;
            }

            @Override
            public Map<TraceId, List<dev.tta.obs.domain.feedback.Feedback>> feedback(java.util.Collection<TraceId> ids) {
                return Map.of(Fixtures.traceId(1), List.of(item));
            }
        }, () -> 1L, feed::feedbackChanged).addFeedback(dev.tta.obs.domain.feedback.NewFeedback.of(Fixtures.traceId(1),
                Optional.empty(), "thumbs", Optional.of(0.0), Optional.of("down"), Optional.empty(), Optional.empty()));

        List<LiveEvent> events = drain(errorsOnly).stream().filter(e -> e instanceof LiveEvent.FeedbackChanged).toList();
        assertThat(events).singleElement().isEqualTo(new LiveEvent.FeedbackChanged(Fixtures.traceId(1), List.of(item)));
    }

    @Test
    void burstOnOneTrace_arrivesAsFewUpdatesCarryingTheLatestSummary() throws Exception {
        feed = new LiveTraceFeed(stats(), 100, 1000);
        LiveSubscription sub = feed.subscribe(LiveFilter.ALL, () -> { });
        long start = System.nanoTime();
        for (int n = 1; n <= 50; n++) {
            commit(1, n);
            Thread.sleep(4);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(250);
        List<TraceSummary> updates = traces(drain(sub));
        assertThat(updates.size()).as("50 commits in %d ms, one update per 100 ms window at most", elapsedMs)
                .isLessThanOrEqualTo((int) (elapsedMs / 100) + 2);
        assertThat(updates.get(updates.size() - 1).spanCount()).as("the last update is the newest state").isEqualTo(50);
    }

    @Test
    void budget_isPushedWhenCrossed_notWhenSpendingMerelyMoves_andToLateSubscribers() throws Exception {
        Budget limits = new Budget(Optional.of(1.0), Optional.of(0.5));
        java.util.concurrent.atomic.AtomicReference<BudgetStatus> now = new java.util.concurrent.atomic.AtomicReference<>(
                new BudgetStatus(limits, 0.2, 0, Optional.empty()));
        feed = new LiveTraceFeed(stats(), () -> Optional.of(now.get()), 100, 1000);
        LiveSubscription sub = feed.subscribe(LiveFilter.ALL, () -> { });
        commit(1, 1);
        Thread.sleep(1200);
        now.set(new BudgetStatus(limits, 0.4, 0, Optional.empty()));
        commit(2, 1);
        Thread.sleep(1200);
        assertThat(budgets(drain(sub))).as("within budget, spending moved").isEmpty();

        now.set(new BudgetStatus(limits, 1.3, 0, Optional.empty()));
        commit(3, 1);
        Thread.sleep(1200);
        assertThat(budgets(drain(sub))).singleElement().satisfies(b -> assertThat(b.dailyExceeded()).isTrue());
        now.set(new BudgetStatus(limits, 1.4, 0, Optional.empty()));
        commit(4, 1);
        Thread.sleep(1200);
        assertThat(budgets(drain(sub))).as("still over, only spending moved").isEmpty();

        LiveSubscription late = feed.subscribe(LiveFilter.ALL, () -> { });
        assertThat(budgets(drain(late))).singleElement().satisfies(b -> assertThat(b.spentTodayUsd()).isEqualTo(1.4));
    }

    private static List<BudgetStatus> budgets(List<LiveEvent> events) {
        return events.stream().filter(e -> e instanceof LiveEvent.BudgetChanged)
                .map(e -> ((LiveEvent.BudgetChanged) e).budget()).toList();
    }

    @Test
    void newTrace_isPushedPromptly() throws Exception {
        feed = new LiveTraceFeed(stats(), 100, 1000);
        List<Long> arrived = new ArrayList<>();
        LiveSubscription sub = feed.subscribe(LiveFilter.ALL, () -> arrived.add(System.nanoTime()));
        long t0 = System.nanoTime();
        commit(7, 3);
        for (int i = 0; i < 100 && traces(peek(sub, arrived)).isEmpty(); i++) {
            Thread.sleep(2);
        }
        assertThat(arrived).isNotEmpty();
        assertThat((arrived.get(0) - t0) / 1_000_000).as("ms from commit to event").isLessThan(50);
    }

    private List<LiveEvent> seen = new ArrayList<>();

    private List<LiveEvent> peek(LiveSubscription s, List<Long> arrived) {
        seen.addAll(drain(s));
        return seen;
    }

    @Test
    void filter_keepsOnlyMatchingTraces() throws Exception {
        feed = new LiveTraceFeed(stats(), 100, 1000);
        LiveSubscription sub = feed.subscribe(new LiveFilter(Optional.empty(), false, Optional.of("T2")), () -> { });
        commit(1, 2);
        commit(2, 2);
        // t1 is committed first, so once t2 is out, t1 would have been too; a loaded machine may take a while
        List<LiveEvent> events = new ArrayList<>();
        for (long deadline = System.nanoTime() + 5_000_000_000L; traces(events).isEmpty() && System.nanoTime() < deadline; ) {
            Thread.sleep(20);
            events.addAll(drain(sub));
        }
        assertThat(traces(events)).extracting(TraceSummary::rootName).containsExactly("t2");
    }

    @Test
    void slowSubscriber_isToldHowManyItMissed_thenGetsNewEvents() throws Exception {
        feed = new LiveTraceFeed(stats(), 100, 3);
        LiveSubscription sub = feed.subscribe(LiveFilter.ALL, () -> { });
        for (int t = 1; t <= 10; t++) {
            commit(t, 1);
        }
        Thread.sleep(200);
        List<LiveEvent> events = drain(sub);
        assertThat(events.get(0)).isInstanceOf(LiveEvent.Lagged.class);
        long missed = ((LiveEvent.Lagged) events.get(0)).missed();
        assertThat(missed + traces(events).size()).as("every trace either delivered or counted").isGreaterThanOrEqualTo(10);
        commit(11, 1);
        Thread.sleep(200);
        assertThat(traces(drain(sub))).extracting(TraceSummary::rootName).contains("t11");
    }
}
