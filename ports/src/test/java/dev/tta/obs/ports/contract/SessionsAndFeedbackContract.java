package dev.tta.obs.ports.contract;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.feedback.EvaluationEvents;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.domain.query.FeedbackFilter;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.query.SessionSort;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.session.SessionSummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.tta.obs.ports.contract.Fixtures.MS;
import static dev.tta.obs.ports.contract.Fixtures.T0;
import static dev.tta.obs.ports.contract.Fixtures.span;
import static dev.tta.obs.ports.contract.Fixtures.spanId;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage contract for sessions (traces grouped by their summary's session id) and feedback;
 * every store runs it with the rest of {@link TraceStoreContract}.
 */
public abstract class SessionsAndFeedbackContract extends TraceStoreContract {

    /** One turn: a root (with the session when {@code onRoot}) and an LLM child (with it otherwise). */
    private void turn(int trace, String session, String user, boolean onRoot, long inTokens, double cost,
                      boolean failed, String service) {
        Attributes sessionAttrs = Attributes.builder().put("session.id", session).put("user.id", user).build();
        var root = span(trace, 0, null, "chat").resource(Fixtures.resource(service));
        var llm = span(trace, 1, 0, "llm").resource(Fixtures.resource(service));
        Attributes.Builder llmAttrs = Attributes.builder().put("test.input_tokens", inTokens)
                .put("test.output_tokens", inTokens / 2).put("test.cost_usd", cost);
        if (onRoot) {
            root.attributes(sessionAttrs);
        } else {
            sessionAttrs.asMap().forEach(llmAttrs::put);
        }
        if (failed) {
            root.status(StatusCode.ERROR, "boom");
        }
        append(List.of(root.build(), llm.attributes(llmAttrs.build()).build()));
    }

    @Test
    protected void tracesSharingASessionId_formOneSession_withTheirNumbersAddedUp() {
        turn(1, "conv-a", "ann", true, 100, 0.01, false, "agent");
        turn(2, "conv-a", "ann", false, 200, 0.02, false, "agent");
        turn(3, "conv-a", "ann", true, 300, 0.03, true, "agent");
        turn(4, "conv-b", "bob", true, 10, 0.5, false, "agent");
        append(Fixtures.trace(5, 2, "no-session"));

        SessionPage page = store.sessions(SessionSearch.newest(10));
        assertThat(page.sessions()).extracting(SessionSummary::sessionId).containsExactly("conv-b", "conv-a");
        assertThat(page.nextCursor()).isEmpty();
        SessionSummary a = store.session("conv-a").orElseThrow();
        assertThat(a.userId()).contains("ann");
        assertThat(a.traceCount()).isEqualTo(3);
        assertThat(a.inputTokens()).isEqualTo(600);
        assertThat(a.outputTokens()).isEqualTo(300);
        assertThat(a.costUsd()).hasValueSatisfying(c -> assertThat(c).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(a.errorCount()).isEqualTo(1);
        assertThat(a.status()).isEqualTo(RunOutcome.FAILED);
        assertThat(a.startTimeUnixNano()).isEqualTo(T0 + 1000 * MS);
        assertThat(a.endTimeUnixNano()).isEqualTo(T0 + 3000 * MS + 11 * MS);
        assertThat(store.session("conv-b").orElseThrow().status()).isEqualTo(RunOutcome.OK);
        assertThat(store.session("nope")).isEmpty();

        assertThat(store.sessionTraces("conv-a", 100)).extracting(TraceSummary::traceId)
                .containsExactly(traceId(1), traceId(2), traceId(3));
        assertThat(store.sessionTraces("conv-a", 2)).hasSize(2);
    }

    @Test
    protected void sessions_filterByUserServiceWorkflowTimeAndStatus() {
        turn(1, "conv-a", "ann", true, 100, 0.01, false, "agent");
        turn(2, "conv-a", "ann", true, 100, 0.01, true, "agent");
        turn(3, "conv-b", "bob", true, 100, 0.01, false, "other");
        append(List.of(span(4, 0, null, "plan").attributes(Attributes.builder().put("session.id", "conv-c").build())
                .resource(Fixtures.resource("agent")).build()));

        assertThat(ids(search(b -> b.user = "bob"))).containsExactly("conv-b");
        assertThat(ids(search(b -> b.service = "agent"))).containsExactly("conv-c", "conv-a");
        assertThat(ids(search(b -> b.workflow = "plan"))).containsExactly("conv-c");
        assertThat(ids(search(b -> b.status = RunOutcome.FAILED))).containsExactly("conv-a");
        assertThat(ids(search(b -> b.status = RunOutcome.OK))).containsExactly("conv-c", "conv-b");
        // a session matches when one of its turns is in the window, and then counts all of them
        SessionPage windowed = search(b -> b.from = T0 + 2000 * MS);
        assertThat(ids(windowed)).containsExactly("conv-c", "conv-b", "conv-a");
        assertThat(search(b -> {
            b.from = T0 + 2000 * MS;
            b.to = T0 + 2500 * MS;
        }).sessions()).singleElement().satisfies(s -> assertThat(s.traceCount()).isEqualTo(2));
    }

    @Test
    protected void sessions_pageWithACursor_inEveryOrder_neitherRepeatingNorSkipping() {
        for (int i = 1; i <= 7; i++) {
            // conv-1 has 1 turn, conv-2 has 2, ...: distinct counts, costs and durations
            for (int t = 0; t < (i % 3) + 1; t++) {
                turn(i * 10 + t, "conv-" + i, "u", true, 10, 0.01 * i, false, "agent");
            }
        }
        for (SessionSort sort : SessionSort.values()) {
            List<String> all = ids(store.sessions(new SessionSearch(Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), sort, 100, Optional.empty())));
            assertThat(all).as(sort.name()).hasSize(7).doesNotHaveDuplicates();
            List<String> paged = new ArrayList<>();
            SessionSearch search = new SessionSearch(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), sort, 3, Optional.empty());
            for (int round = 0; round < 5; round++) {
                SessionPage page = store.sessions(search);
                paged.addAll(ids(page));
                if (page.nextCursor().isEmpty()) {
                    break;
                }
                search = search.withCursor(page.nextCursor());
            }
            assertThat(paged).as(sort.name()).containsExactlyElementsOf(all);
        }
        List<String> byCost = ids(store.sessions(new SessionSearch(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), SessionSort.COST, 2,
                Optional.empty())));
        assertThat(byCost).containsExactly("conv-5", "conv-7");
    }

    @Test
    protected void sessions_pageWithACursor_atTimesToTheNanosecond() {
        // an SDK's times are any nanosecond, not the whole milliseconds of the fixtures: a key bound as
        // a double would round these (by 7 ns down, by 200 ns up) and the next page repeat a session
        long[] offsets = {7, 200, 7, 200};
        for (int i = 0; i < offsets.length; i++) {
            long start = T0 + (i + 1) * 1000 * MS + offsets[i];
            append(List.of(span(90 + i, 0, null, "chat").start(start).end(start + 10 * MS)
                    .attributes(Attributes.builder().put("session.id", "nano-" + i).build()).build()));
        }
        for (SessionSort sort : List.of(SessionSort.NEWEST, SessionSort.OLDEST, SessionSort.DURATION)) {
            List<String> paged = new ArrayList<>();
            SessionSearch search = new SessionSearch(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), sort, 1, Optional.empty());
            for (int round = 0; round < 6; round++) {
                SessionPage page = store.sessions(search);
                paged.addAll(ids(page));
                if (page.nextCursor().isEmpty()) {
                    break;
                }
                search = search.withCursor(page.nextCursor());
            }
            assertThat(paged).as(sort.name()).hasSize(4).doesNotHaveDuplicates();
        }
    }

    @Test
    protected void feedback_isStoredWithAnIdAndTime_readBackInOrder_andDeletedByIdOnly() {
        append(Fixtures.trace(1, 3, "chat"));
        Feedback thumbs = store.addFeedback(NewFeedback.of(traceId(1), Optional.empty(), "thumbs", Optional.of(0.0),
                Optional.of("down"), Optional.of("wrong city"), Optional.of("dashboard")), 42L).orElseThrow();
        Feedback score = store.addFeedback(NewFeedback.of(traceId(1), Optional.of(spanId(2)), "relevance",
                Optional.of(0.8), Optional.empty(), Optional.empty(), Optional.empty()), 43L).orElseThrow();

        assertThat(score.id()).isGreaterThan(thumbs.id());
        assertThat(thumbs.createdAtUnixNano()).isEqualTo(42L);
        assertThat(store.feedback(List.of(traceId(1), traceId(2))).get(traceId(1))).containsExactly(thumbs, score);
        assertThat(store.feedback(List.of(traceId(2)))).isEmpty();
        Feedback read = store.feedback(List.of(traceId(1))).get(traceId(1)).get(1);
        assertThat(read.spanId()).contains(spanId(2));
        assertThat(read.source()).isEqualTo("api");
        assertThat(read.label()).isEmpty();

        assertThat(store.addFeedback(NewFeedback.of(traceId(404), Optional.empty(), "thumbs", Optional.of(1.0),
                Optional.empty(), Optional.empty(), Optional.empty()), 44L)).as("an unknown trace").isEmpty();
        assertThat(store.deleteFeedback(traceId(2), thumbs.id())).as("another trace's id").isFalse();
        assertThat(store.deleteFeedback(traceId(1), thumbs.id())).isTrue();
        assertThat(store.deleteFeedback(traceId(1), thumbs.id())).isFalse();
        assertThat(store.feedback(List.of(traceId(1))).get(traceId(1))).containsExactly(score);
        Feedback again = store.addFeedback(NewFeedback.of(traceId(1), Optional.empty(), "thumbs",
                Optional.of(1.0), Optional.empty(), Optional.empty(), Optional.empty()), 45L).orElseThrow();
        assertThat(again.id()).as("ids are never reused").isGreaterThan(score.id());
    }

    @Test
    protected void feedback_goesWithItsTrace_whenDeletedOrEvictedOrAllDeleted() {
        for (int t = 1; t <= 3; t++) {
            nowUnixNano.addAndGet(1_000_000_000L);
            append(Fixtures.trace(t, 2, "chat"));
            store.addFeedback(thumb(t, 1.0), 1L).orElseThrow();
        }
        assertThat(store.deleteTrace(traceId(1))).isTrue();
        assertThat(store.feedback(List.of(traceId(1)))).isEmpty();
        // re-sending the deleted trace brings its spans back, not its feedback; it is now the newest arrival
        nowUnixNano.addAndGet(1_000_000_000L);
        append(Fixtures.trace(1, 2, "chat"));
        assertThat(store.feedback(List.of(traceId(1)))).isEmpty();
        assertThat(store.evict(2, Optional.empty(), 10)).isEqualTo(1);
        assertThat(store.feedback(List.of(traceId(1), traceId(2), traceId(3))).keySet()).containsExactly(traceId(3));
        store.deleteAll();
        assertThat(store.feedback(List.of(traceId(1), traceId(2), traceId(3)))).isEmpty();
    }

    @Test
    protected void evaluationEventsOnSpans_becomeFeedbackFromOtlp_onceHoweverOftenTheSpanIsResent() {
        Span judged = span(1, 1, 0, "llm").addEvent(new SpanEvent(T0 + 5 * MS, EvaluationEvents.EVENT,
                Attributes.builder().put(EvaluationEvents.NAME, "relevance").put(EvaluationEvents.SCORE, 0.25)
                        .put(EvaluationEvents.LABEL, "irrelevant").put(EvaluationEvents.EXPLANATION, "off topic")
                        .build(), 0))
                .addEvent(new SpanEvent(T0 + 6 * MS, EvaluationEvents.EVENT,
                        Attributes.builder().put(EvaluationEvents.NAME, "no-score-nor-label").build(), 0))
                .build();
        List<Span> spans = List.of(span(1, 0, null, "chat").build(), judged);
        append(spans);
        append(spans);
        append(List.of(judged));

        List<Feedback> stored = store.feedback(List.of(traceId(1))).get(traceId(1));
        assertThat(stored).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("relevance");
            assertThat(f.score()).contains(0.25);
            assertThat(f.label()).contains("irrelevant");
            assertThat(f.comment()).contains("off topic");
            assertThat(f.source()).isEqualTo("otlp");
            assertThat(f.spanId()).contains(spanId(1));
            assertThat(f.fromSpanEvent()).isTrue();
            assertThat(f.createdAtUnixNano()).isEqualTo(nowUnixNano.get());
        });
        assertThat(traces(TraceSearch.builder().feedback(FeedbackFilter.parse("negative")).build()))
                .containsExactly(traceId(1));
    }

    @Test
    protected void evaluationsSentApart_waitForTheirTrace_andRetentionRemovesThoseNoTraceClaims() {
        NewFeedback early = EvaluationEvents.ofLogRecord(traceId(1), Optional.of(spanId(1)), T0,
                Attributes.builder().put(EvaluationEvents.NAME, "faithfulness").put(EvaluationEvents.SCORE, 0.9)
                        .build()).orElseThrow();
        NewFeedback orphan = EvaluationEvents.ofLogRecord(traceId(2), Optional.empty(), T0,
                Attributes.builder().put(EvaluationEvents.NAME, "faithfulness").put(EvaluationEvents.LABEL, "pass")
                        .build()).orElseThrow();
        store.addEvaluations(List.of(early, orphan), nowUnixNano.get());
        store.addEvaluations(List.of(early), nowUnixNano.get());
        append(Fixtures.trace(1, 2, "chat"));

        assertThat(store.feedback(List.of(traceId(1))).get(traceId(1))).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo("otlp");
            assertThat(f.fromSpanEvent()).as("a log record is not on the span, so an export must add it").isFalse();
        });
        assertThat(traces(filter("faithfulness"))).containsExactly(traceId(1));
        nowUnixNano.addAndGet(3_600_000_000_000L);
        store.evict(Long.MAX_VALUE, Optional.of(nowUnixNano.get() - 60_000_000_000L), 100);
        assertThat(store.feedback(List.of(traceId(2)))).as("no trace claimed it").isEmpty();
    }

    @Test
    protected void theTraceList_filtersByFeedbackAndScore() {
        for (int t = 1; t <= 4; t++) {
            append(Fixtures.trace(t, 2, "chat"));
        }
        store.addFeedback(thumb(1, 1.0), 1L);
        store.addFeedback(thumb(2, 0.0), 1L);
        store.addFeedback(NewFeedback.of(traceId(3), Optional.empty(), "relevance", Optional.of(0.7),
                Optional.empty(), Optional.empty(), Optional.empty()), 1L);
        store.addFeedback(NewFeedback.of(traceId(3), Optional.empty(), "thumbs", Optional.empty(),
                Optional.of("bad"), Optional.empty(), Optional.empty()), 1L);

        assertThat(traces(filter("any"))).containsExactly(traceId(3), traceId(2), traceId(1));
        assertThat(traces(filter("none"))).containsExactly(traceId(4));
        assertThat(traces(filter("positive"))).containsExactly(traceId(3), traceId(1));
        assertThat(traces(filter("negative"))).containsExactly(traceId(3), traceId(2));
        assertThat(traces(filter("relevance"))).containsExactly(traceId(3));
        assertThat(traces(TraceSearch.builder().scoreBelow(0.5).build())).containsExactly(traceId(2));
        assertThat(traces(TraceSearch.builder().scoreAbove(0.5).build())).containsExactly(traceId(3), traceId(1));
        assertThat(traces(TraceSearch.builder().feedback(FeedbackFilter.parse("relevance")).scoreAbove(0.8).build()))
                .isEmpty();
        assertThat(traces(TraceSearch.builder().scoreAbove(0.5).scoreBelow(0.9).build())).containsExactly(traceId(3));
    }

    private static NewFeedback thumb(int trace, double score) {
        return NewFeedback.of(traceId(trace), Optional.empty(), "thumbs", Optional.of(score), Optional.empty(),
                Optional.empty(), Optional.of("dashboard"));
    }

    private static TraceSearch filter(String feedback) {
        return TraceSearch.builder().feedback(FeedbackFilter.parse(feedback)).build();
    }

    private List<TraceId> traces(TraceSearch search) {
        return store.search(search).traces().stream().map(TraceSummary::traceId).toList();
    }

    private static List<String> ids(SessionPage page) {
        return page.sessions().stream().map(SessionSummary::sessionId).toList();
    }

    private static final class Filters {
        Long from;
        Long to;
        String service;
        String workflow;
        String user;
        RunOutcome status;
    }

    private SessionPage search(java.util.function.Consumer<Filters> set) {
        Filters f = new Filters();
        set.accept(f);
        return store.sessions(new SessionSearch(Optional.ofNullable(f.from), Optional.ofNullable(f.to),
                Optional.ofNullable(f.service), Optional.ofNullable(f.workflow), Optional.ofNullable(f.user),
                Optional.ofNullable(f.status), SessionSort.NEWEST, 50, Optional.empty()));
    }
}
