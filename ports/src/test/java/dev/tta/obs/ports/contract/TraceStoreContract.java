package dev.tta.obs.ports.contract;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.service.TraceIngest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tta.obs.ports.contract.Fixtures.fullSpan;
import static dev.tta.obs.ports.contract.Fixtures.span;
import static dev.tta.obs.ports.contract.Fixtures.trace;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage contract: every {@link TraceStore} runs this suite. Tests are protected so a store
 * that cannot support one can override it with a reason, in the open.
 */
public abstract class TraceStoreContract {
    protected TraceStore<?> store;
    /** The arrival clock: it stands still unless a test moves it. */
    protected final AtomicLong nowUnixNano = new AtomicLong(1_800_000_000_000_000_000L);
    private final TraceAssembler assembler = new TraceAssembler(Fixtures.ROLLUPS);

    /** A new, empty store. */
    protected abstract TraceStore<?> newStore() throws Exception;

    @BeforeEach
    protected void openStore() throws Exception {
        store = newStore();
    }

    /** The core's ingest in front of the current store, as the server has it. */
    protected TraceIngest<?> ingest() {
        return TraceIngest.of(store, assembler, nowUnixNano::get);
    }

    @AfterEach
    protected void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected void append(List<Span> spans) {
        ingest().append(List.of(new SpanBatch(spans)));
    }

    @Test
    protected void everyFieldAndValueType_survivesTheRoundTrip() {
        Span root = span(1, 0, null, "workflow").build();
        Span full = fullSpan(1);
        append(List.of(root, full));

        Trace trace = store.findTrace(traceId(1)).orElseThrow();
        assertThat(trace.spans()).containsExactly(root, full);
        Span read = trace.spans().get(1);
        assertThat(read.attributes().get("bytes")).contains(new AttributeValue.BytesValue(new byte[] {0, 1, (byte) 0xff}));
        assertThat(read.attributes().get("long")).contains(AttributeValue.of(Long.MAX_VALUE));
        assertThat(read.events().get(0).attributes().getString("exception.stacktrace")).get().asString()
                .contains("A.java:1");
        assertThat(read.status().code()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    protected void aCommit_returnsTheSummariesAReaderThenSees_andNothingForSpansAlreadyStored() {
        List<Span> spans = trace(3, 6, "told");
        List<TraceSummary> first = ingest().append(List.of(new SpanBatch(spans.subList(3, 6))));
        assertThat(first).containsExactlyElementsOf(store.findSummaries(List.of(traceId(3))));
        List<TraceSummary> merged = ingest().append(List.of(new SpanBatch(spans.subList(0, 4))));
        assertThat(merged).hasSize(1).containsExactlyElementsOf(store.findSummaries(List.of(traceId(3))));
        assertThat(merged.get(0).spanCount()).isEqualTo(6);
        assertThat(ingest().append(List.of(new SpanBatch(spans)))).as("a resend changes nothing").isEmpty();
    }

    @Test
    protected void unknownTrace_isEmpty() {
        assertThat(store.findTrace(traceId(404))).isEmpty();
    }

    @Test
    protected void spansInAnyOrderAndManyCalls_formTheSameTraceAsOneOrderedCall() {
        List<Span> spans = trace(2, 30, "ordered");
        append(spans);
        Trace expected = store.findTrace(traceId(2)).orElseThrow();
        store.close();
        store = newStoreUnchecked();

        List<Span> shuffled = new ArrayList<>(spans);
        Collections.shuffle(shuffled, new Random(7));
        for (int i = 0; i < shuffled.size(); i += 7) {
            append(shuffled.subList(i, Math.min(shuffled.size(), i + 7)));
        }
        Trace actual = store.findTrace(traceId(2)).orElseThrow();
        assertThat(actual.spans()).isEqualTo(expected.spans());
        assertThat(actual.summary()).isEqualTo(expected.summary());
        assertThat(store.search(TraceSearch.newest(10)).traces()).containsExactly(expected.summary());
    }

    private TraceStore newStoreUnchecked() {
        try {
            return newStore();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The trace as findTrace reads it: its summary is the stored one, read without running the
     * rollup again, and it is what the returned spans give.
     */
    private Trace readCurrent(TraceId id) {
        long runs = Fixtures.rollupRunsOnThisThread();
        Trace trace = store.findTrace(id).orElseThrow();
        assertThat(Fixtures.rollupRunsOnThisThread() - runs).as("rollups the read ran").isZero();
        assertThat(trace.summary()).isEqualTo(store.findSummaries(List.of(id)).get(0))
                .isEqualTo(assembler.summarize(id, trace.spans()));
        return trace;
    }

    @Test
    protected void findTrace_readsTheStoredSummary_whichFollowsLateSpansResendsAndEvictions() {
        List<Span> spans = trace(9, 6, "late-root");
        // a partial trace: the last steps, no root
        append(spans.subList(3, 6));
        assertThat(readCurrent(traceId(9)).summary().rootFound()).isFalse();
        // the root and the first steps arrive later, one of them again
        append(spans.subList(0, 4));
        append(List.of(spans.get(0).toBuilder().end(spans.get(0).endTimeUnixNano() + Fixtures.MS).build()));
        Trace whole = readCurrent(traceId(9));
        assertThat(whole.summary().rootFound()).isTrue();
        assertThat(whole.summary().rootName()).isEqualTo("late-root");
        assertThat(whole.spans()).hasSize(6);
        // other traces evicted around it leave its summary as it was
        nowUnixNano.addAndGet(1_000_000L);
        append(trace(10, 2, "newer"));
        assertThat(store.evict(2, Optional.empty(), 10)).isZero();
        append(trace(11, 2, "newest"));
        assertThat(store.evict(2, Optional.empty(), 10)).isEqualTo(1);
        assertThat(store.findTrace(traceId(9))).as("the oldest arrival goes first").isEmpty();
        assertThat(readCurrent(traceId(10)).summary().spanCount()).isEqualTo(2);
    }

    @Test
    protected void findTrace_whileItsTraceGrows_summarizesExactlyTheSpansItReturns() throws Exception {
        List<Span> spans = trace(12, 120, "growing");
        Thread writer = new Thread(() -> {
            // leaves first, the root last: the summary changes with every commit
            for (int i = spans.size(); i > 0; i -= 3) {
                append(spans.subList(Math.max(0, i - 3), i));
            }
        });
        writer.start();
        int reads = 0;
        while (writer.isAlive() || reads == 0) {
            Optional<Trace> t = store.findTrace(traceId(12));
            if (t.isPresent()) {
                assertThat(t.get().summary()).isEqualTo(assembler.summarize(traceId(12), t.get().spans()));
                reads++;
            }
        }
        writer.join();
        assertThat(readCurrent(traceId(12)).spans()).hasSize(120);
    }

    @Test
    protected void resentBatch_isStoredAndCountedOnce() {
        List<Span> spans = trace(3, 5, "retried-export");
        append(spans);
        append(spans);
        ingest().append(List.of(new SpanBatch(spans), new SpanBatch(spans.subList(0, 2))));

        Trace trace = store.findTrace(traceId(3)).orElseThrow();
        assertThat(trace.spans()).hasSize(5);
        assertThat(trace.summary().spanCount()).isEqualTo(5);
        assertThat(store.traceCount()).isEqualTo(1);
        assertThat(store.search(TraceSearch.newest(10)).traces().get(0).spanCount()).isEqualTo(5);
    }

    @Test
    protected void summary_namesTheRootAndCountsErrors() {
        Span child = span(4, 1, 0, "llm").status(StatusCode.ERROR, "rate limited").build();
        append(List.of(child));
        TraceSummary early = store.search(TraceSearch.newest(1)).traces().get(0);
        assertThat(early.rootFound()).isFalse();
        assertThat(early.rootName()).isEqualTo("llm");

        append(List.of(span(4, 0, null, "agent-run").build()));
        TraceSummary s = store.search(TraceSearch.newest(1)).traces().get(0);
        assertThat(s.rootFound()).isTrue();
        assertThat(s.rootName()).isEqualTo("agent-run");
        assertThat(s.serviceName()).isEqualTo("checkout");
        assertThat(s.spanCount()).isEqualTo(2);
        assertThat(s.errorCount()).isEqualTo(1);
        assertThat(s.startTimeUnixNano()).isEqualTo(Fixtures.T0 + 4000 * Fixtures.MS);
    }

    @Test
    protected void search_isNewestFirstAndPagesWithoutGapsOrRepeats() {
        for (int t = 1; t <= 25; t++) {
            append(trace(t, 2, "run-" + t));
        }
        List<TraceId> seen = new ArrayList<>();
        TraceSearch search = TraceSearch.newest(10);
        for (int page = 0; page < 5; page++) {
            TracePage p = store.search(search);
            p.traces().forEach(s -> seen.add(s.traceId()));
            if (p.nextCursor().isEmpty()) {
                break;
            }
            search = search.toBuilder().cursor(p.nextCursor()).build();
        }
        List<TraceId> expected = new ArrayList<>();
        for (int t = 25; t >= 1; t--) {
            expected.add(traceId(t));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    protected void search_filtersByServiceTextTimeAndErrors() {
        append(trace(1, 2, "checkout-flow"));
        append(List.of(span(2, 0, null, "summarize").resource(Fixtures.resource("agent"))
                .status(StatusCode.ERROR, "x").build()));
        append(trace(3, 2, "refund-flow"));

        assertThat(ids(new TraceSearch(Optional.of("agent"), Optional.empty(), Optional.empty(), Optional.empty(),
                false, 10, Optional.empty()))).containsExactly(traceId(2));
        assertThat(ids(new TraceSearch(Optional.empty(), Optional.of("refund"), Optional.empty(), Optional.empty(),
                false, 10, Optional.empty()))).containsExactly(traceId(3));
        assertThat(ids(new TraceSearch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                true, 10, Optional.empty()))).containsExactly(traceId(2));
        long t2 = Fixtures.T0 + 2000 * Fixtures.MS;
        assertThat(ids(new TraceSearch(Optional.empty(), Optional.empty(), Optional.of(t2), Optional.of(t2),
                false, 10, Optional.empty()))).containsExactly(traceId(2));
    }

    private List<TraceId> ids(TraceSearch search) {
        return store.search(search).traces().stream().map(TraceSummary::traceId).toList();
    }

    @Test
    protected void tenThousandSpanTrace_roundTrips() {
        List<Span> spans = new ArrayList<>();
        spans.add(span(5, 0, null, "big").build());
        for (int i = 1; i < 10_000; i++) {
            spans.add(span(5, i, (i - 1) / 10, "s" + i).build());
        }
        for (int i = 0; i < spans.size(); i += 500) {
            append(spans.subList(i, i + 500));
        }
        Trace trace = store.findTrace(traceId(5)).orElseThrow();
        assertThat(trace.spans()).hasSize(10_000);
        assertThat(trace.spans().get(0).name()).isEqualTo("big");
        assertThat(trace.summary().spanCount()).isEqualTo(10_000);
    }

    @Test
    protected void oneMegabyteAttribute_isKeptWhole() {
        String big = "x".repeat(1024 * 1024);
        append(List.of(span(6, 0, null, "prompt").attributes(Attributes.builder().put("input.value", big).build())
                .build()));
        assertThat(store.findTrace(traceId(6)).orElseThrow().spans().get(0).attributes().getString("input.value"))
                .contains(big);
    }

    @Test
    protected void readersDuringWrites_seeWholeCommitsOnly() throws Exception {
        int traces = 200;
        Thread writer = new Thread(() -> {
            for (int t = 1; t <= traces; t++) {
                append(trace(1000 + t, 4, "w" + t));
            }
        });
        writer.start();
        while (writer.isAlive()) {
            for (TraceSummary s : store.search(TraceSearch.newest(50)).traces()) {
                assertThat(s.spanCount()).isEqualTo(4);
                assertThat(store.findTrace(s.traceId()).orElseThrow().spans()).hasSize(4);
            }
        }
        writer.join();
        assertThat(store.traceCount()).isEqualTo(traces);
    }

    // ---- the query API's reader methods and filters (issue 6) ----

    private static Attributes attrs(Object... kv) {
        Attributes.Builder b = Attributes.builder();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof Long l) {
                b.put((String) kv[i], l);
            } else if (v instanceof Double d) {
                b.put((String) kv[i], d);
            } else if (v instanceof Boolean bo) {
                b.put((String) kv[i], bo);
            } else {
                b.put((String) kv[i], (String) v);
            }
        }
        return b.build();
    }

    /** Five traces, each different in the ways the filters can tell apart. */
    protected void appendFilterFixture() {
        // 1: checkout, fast, ok, http 200, cached gpt-4o call that cost 0.02
        append(List.of(span(1, 0, null, "checkout-flow").status(StatusCode.OK, "").build(),
                span(1, 1, 0, "llm.chat").attributes(attrs("gen_ai.request.model", "gpt-4o", "test.cost_usd", 0.02,
                        "test.primitive", "cache", "input.value", "please summarize the quarterly report")).build()));
        // 2: agent service, error on a tool span with http 500 and retry
        append(List.of(span(2, 0, null, "agent-run").resource(Fixtures.resource("agent")).build(),
                span(2, 1, 0, "tool.call").resource(Fixtures.resource("agent"))
                        .attributes(attrs("http.status_code", 500L, "tool", "search", "test.primitive", "retry"))
                        .status(StatusCode.ERROR, "boom").build()));
        // 3: long (1 s), unset status, http 500 and tool=search on different spans, claude call, expensive
        append(List.of(span(3, 0, null, "refund-flow").end(Fixtures.T0 + 3000 * Fixtures.MS + 1000 * Fixtures.MS).build(),
                span(3, 1, 0, "a").attributes(attrs("http.status_code", 500L)).build(),
                span(3, 2, 0, "b").attributes(attrs("tool", "search", "gen_ai.response.model", "claude-sonnet",
                        "test.cost_usd", 0.5)).build()));
        // 4: unpriced llm call
        append(List.of(span(4, 0, null, "unpriced-flow").attributes(attrs("test.llm", true)).build()));
        // 5: plain
        append(trace(5, 2, "plain-flow"));
    }

    private List<TraceId> ids(TraceSearch.Builder b) {
        return ids(b.limit(50).build());
    }

    @Test
    protected void search_bySpanName_findsRootAndInnerSpans() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().spanName("tool.call"))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().spanName("refund-flow"))).containsExactly(traceId(3));
        assertThat(ids(TraceSearch.builder().spanName("tool"))).as("exact, not a prefix").isEmpty();
    }

    @Test
    protected void search_byStatus_errorOkUnset() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().status(dev.tta.obs.domain.query.TraceStatusFilter.ERROR)))
                .containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().status(dev.tta.obs.domain.query.TraceStatusFilter.OK)))
                .containsExactly(traceId(1));
        assertThat(ids(TraceSearch.builder().status(dev.tta.obs.domain.query.TraceStatusFilter.UNSET)))
                .containsExactly(traceId(5), traceId(4), traceId(3));
    }

    @Test
    protected void search_byDurationRange() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().minDurationMs(500))).containsExactly(traceId(3));
        assertThat(ids(TraceSearch.builder().maxDurationMs(10.5))).containsExactly(traceId(4));
        assertThat(ids(TraceSearch.builder().minDurationMs(10.5).maxDurationMs(30)))
                .containsExactly(traceId(5), traceId(2), traceId(1));
    }

    @Test
    protected void regressionVerdicts_areKeptListedAndFiltered_untilTheTraceChanges() {
        List<Span> slow = trace(71, 3, "answer");
        append(slow);
        append(trace(72, 3, "answer"));
        store.flagRegressions(java.util.Map.of(traceId(71), true, traceId(72), false, traceId(404), true));

        TracePage flagged = store.search(TraceSearch.builder().regressionsOnly(true).limit(10).build());
        assertThat(flagged.traces()).extracting(TraceSummary::traceId).containsExactly(traceId(71));
        TracePage all = store.search(TraceSearch.builder().limit(10).build());
        assertThat(all.regressions()).containsExactly(traceId(71));

        // new spans may change the verdict: it is cleared until the trace is judged again
        append(List.of(span(71, 9, 0, "late").build()));
        assertThat(ids(TraceSearch.builder().regressionsOnly(true))).isEmpty();
        assertThat(store.search(TraceSearch.builder().limit(10).build()).regressions()).isEmpty();
    }

    @Test
    protected void search_byRootName_matchesTheRootOnly() {
        append(trace(61, 3, "checkout"));
        append(trace(62, 2, "step-1"));
        assertThat(ids(TraceSearch.builder().rootName("checkout"))).containsExactly(traceId(61));
        assertThat(ids(TraceSearch.builder().rootName("step-1"))).as("a child's name is not the root's")
                .containsExactly(traceId(62));
        assertThat(ids(TraceSearch.builder().rootName("step-2"))).isEmpty();
    }

    @Test
    protected void search_byAttributes_allMustHoldOnOneSpan() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().attribute("http.status_code", "500")))
                .containsExactly(traceId(3), traceId(2));
        assertThat(ids(TraceSearch.builder().attribute("http.status_code", "500").attribute("tool", "search")))
                .as("trace 3 has both, but on different spans").containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().attribute("http.status_code", "501"))).isEmpty();
    }

    @Test
    protected void search_byFreeText_overNamesAndAttributeValues() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().text("quarterly"))).containsExactly(traceId(1));
        assertThat(ids(TraceSearch.builder().text("Quarter"))).as("case-insensitive word prefix").containsExactly(traceId(1));
        assertThat(ids(TraceSearch.builder().text("tool.call"))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().text("agent"))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().text("nothing-like-this"))).isEmpty();
    }

    @Test
    protected void spanNameCounts_readsSeveralTracesAtOnce_acrossTheirChunks_countingARepeatedSpanOnce() {
        List<Span> one = new ArrayList<>(trace(1, 4, "first"));
        one.add(span(1, 7, 0, "step-1").build());
        append(one.subList(0, 2));
        append(one.subList(1, 5));
        append(trace(2, 3, "second"));
        var counts = store.spanNameCounts(List.of(traceId(1), traceId(2), traceId(404)));
        assertThat(counts).containsOnlyKeys(traceId(1), traceId(2));
        assertThat(counts.get(traceId(1))).containsExactlyInAnyOrderEntriesOf(
                Map.of("first", 1, "step-1", 2, "step-2", 1, "step-3", 1));
        assertThat(counts.get(traceId(2))).containsExactlyInAnyOrderEntriesOf(
                Map.of("second", 1, "step-1", 1, "step-2", 1));
    }

    @Test
    protected void search_byATermMostTracesHave_staysRightAsTracesComeAndGo() {
        // enough traces that the term counts as common (a store may plan such terms differently)
        List<Span> many = new ArrayList<>();
        for (int t = 1000; t < 1800; t++) {
            many.add(span(t, 0, null, t % 100 == 0 ? "everyday job marked" : "everyday job").build());
        }
        ingest().append(List.of(new SpanBatch(many)));
        assertThat(ids(TraceSearch.builder().text("everyday").limit(3).build()))
                .containsExactly(traceId(1799), traceId(1798), traceId(1797));
        assertThat(ids(TraceSearch.builder().text("everyday marked").limit(3).build()))
                .containsExactly(traceId(1700), traceId(1600), traceId(1500));

        ingest().append(List.of(new SpanBatch(List.of(span(1900, 0, null, "everyday job marked").build()))));
        assertThat(ids(TraceSearch.builder().text("everyday").limit(2).build())).containsExactly(traceId(1900), traceId(1799));
        assertThat(store.deleteTrace(traceId(1799))).isTrue();
        assertThat(ids(TraceSearch.builder().text("everyday job").limit(2).build())).containsExactly(traceId(1900), traceId(1798));
        assertThat(ids(TraceSearch.builder().text("marked").limit(2).build())).containsExactly(traceId(1900), traceId(1700));
        assertThat(store.search(TraceSearch.builder().text("everyday").limit(1000).build()).traces()).hasSize(800);
    }

    @Test
    protected void search_byFreeText_shortWordsMatchWholeWordsOnly() {
        ingest().append(List.of(new SpanBatch(List.of(
                span(41, 0, null, "order 7 shipped").build(),
                span(42, 0, null, "order 75 shipped").build(),
                span(43, 0, null, "order 750 shipped").build()))));
        assertThat(ids(TraceSearch.builder().text("7"))).containsExactly(traceId(41));
        assertThat(ids(TraceSearch.builder().text("75"))).containsExactly(traceId(42));
        assertThat(ids(TraceSearch.builder().text("75 order"))).containsExactly(traceId(42));
        assertThat(ids(TraceSearch.builder().text("750"))).containsExactly(traceId(43));
        assertThat(ids(TraceSearch.builder().text("ord"))).as("three letters and more: a prefix")
                .containsExactlyInAnyOrder(traceId(41), traceId(42), traceId(43));
    }

    @Test
    protected void search_byAWordWithACharacterTheFullTextIndexSplitsOn_findsIt() {
        // U+1CF3 is a letter to Java, so it stays inside a search word, but not to SQLite's
        // unicode61 tokenizer (an older Unicode table), which splits "a\u1cf3b" in two (fuzzing finding 3)
        ingest().append(List.of(new SpanBatch(List.of(
                span(51, 0, null, "step a\u1cf3b done").build(),
                span(52, 0, null, "step a\u1cf3bcdef done").build(),
                span(54, 0, null, "step other").build()))));
        assertThat(ids(TraceSearch.builder().text("a\u1cf3b"))).containsExactlyInAnyOrder(traceId(51), traceId(52));
        assertThat(ids(TraceSearch.builder().text("a\u1cf3bcd"))).as("a prefix of the longer word")
                .containsExactly(traceId(52));
        assertThat(ids(TraceSearch.builder().text("\u1cf3"))).isEmpty();
        assertThat(ids(TraceSearch.builder().text("x\u1cf3\u1cf3y\u1cf3"))).isEmpty();
    }

    @Test
    protected void search_byPrimitiveModelCostAndRegression() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().primitive("retry"))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().model("gpt-4o"))).containsExactly(traceId(1));
        assertThat(ids(TraceSearch.builder().model("claude-sonnet"))).containsExactly(traceId(3));
        assertThat(ids(TraceSearch.builder().minCostUsd(0.1))).containsExactly(traceId(3));
        assertThat(ids(TraceSearch.builder().minCostUsd(0.0))).containsExactly(traceId(3), traceId(1));
        assertThat(ids(TraceSearch.builder().regressionsOnly(true))).as("nothing is flagged yet").isEmpty();
    }

    @Test
    protected void search_sortsByOldestDurationAndCost_andPagesEachWithoutGaps() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().sort(dev.tta.obs.domain.query.TraceSort.OLDEST)))
                .containsExactly(traceId(1), traceId(2), traceId(3), traceId(4), traceId(5));
        assertThat(ids(TraceSearch.builder().sort(dev.tta.obs.domain.query.TraceSort.DURATION)).get(0)).isEqualTo(traceId(3));
        assertThat(ids(TraceSearch.builder().sort(dev.tta.obs.domain.query.TraceSort.COST)).subList(0, 2))
                .containsExactly(traceId(3), traceId(1));
        for (dev.tta.obs.domain.query.TraceSort sort : dev.tta.obs.domain.query.TraceSort.values()) {
            List<TraceId> all = ids(TraceSearch.builder().sort(sort));
            List<TraceId> paged = new ArrayList<>();
            TraceSearch s = TraceSearch.builder().sort(sort).limit(2).build();
            while (true) {
                TracePage p = store.search(s);
                p.traces().forEach(t -> paged.add(t.traceId()));
                if (p.nextCursor().isEmpty()) {
                    break;
                }
                s = s.toBuilder().cursor(p.nextCursor()).build();
            }
            assertThat(paged).as("paging by " + sort).containsExactlyElementsOf(all);
        }
    }

    @Test
    protected void search_combinesFilters() {
        appendFilterFixture();
        assertThat(ids(TraceSearch.builder().serviceName("checkout").attribute("http.status_code", "500")))
                .containsExactly(traceId(3));
        // trace 2's tool failed but its root did not: it recovered, and "errors only" means failed runs
        assertThat(ids(TraceSearch.builder().text("search").outcome(RunOutcome.RECOVERED))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().text("search").errorsOnly(true))).isEmpty();
    }

    @Test
    protected void search_byOutcome_tellsRecoveredRunsFromFailedOnes() {
        append(List.of(span(1, 0, null, "recovered-run").build(),
                span(1, 1, 0, "attempt-1").status(StatusCode.ERROR, "rate limited").build(),
                span(1, 2, 0, "attempt-2").build()));
        append(List.of(span(2, 0, null, "failed-run").status(StatusCode.ERROR, "gave up").build(),
                span(2, 1, 0, "attempt-1").status(StatusCode.ERROR, "rate limited").build()));
        append(trace(3, 2, "ok-run"));

        assertThat(store.findTrace(traceId(1)).orElseThrow().summary().outcome()).isEqualTo(RunOutcome.RECOVERED);
        assertThat(ids(TraceSearch.builder().outcome(RunOutcome.FAILED))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().outcome(RunOutcome.RECOVERED))).containsExactly(traceId(1));
        assertThat(ids(TraceSearch.builder().outcome(RunOutcome.OK))).containsExactly(traceId(3));
        assertThat(ids(TraceSearch.builder().errorsOnly(true))).containsExactly(traceId(2));
        // by span status both runs had an error
        assertThat(ids(TraceSearch.builder().status(dev.tta.obs.domain.query.TraceStatusFilter.ERROR)))
                .containsExactlyInAnyOrder(traceId(1), traceId(2));
        assertThat(store.stats(java.time.LocalDate.of(2026, 1, 1)).errorRate()).as("the error rate counts failed runs").isEqualTo(1 / 3.0);
        assertThat(store.stats(java.time.LocalDate.of(2026, 1, 1)).recoveryRate()).isEqualTo(1 / 3.0);

        // a failed attempt whose root has not arrived reads as failed until the root says otherwise
        append(List.of(span(4, 1, 0, "attempt-1").status(StatusCode.ERROR, "timeout").build()));
        assertThat(ids(TraceSearch.builder().outcome(RunOutcome.FAILED)))
                .containsExactlyInAnyOrder(traceId(2), traceId(4));
        append(List.of(span(4, 0, null, "late-root").build()));
        assertThat(ids(TraceSearch.builder().outcome(RunOutcome.FAILED))).containsExactly(traceId(2));
        assertThat(ids(TraceSearch.builder().outcome(RunOutcome.RECOVERED)))
                .containsExactlyInAnyOrder(traceId(1), traceId(4));
        assertThat(store.stats(java.time.LocalDate.of(2026, 1, 1)).errorRate()).isEqualTo(1 / 4.0);
    }

    @Test
    protected void search_byModelFamily_findsEverySnapshot_andADatedNameOnlyItself() {
        append(List.of(span(1, 0, null, "dated").attributes(
                attrs("gen_ai.request.model", "claude-3-5-sonnet-20241022")).build()));
        append(List.of(span(2, 0, null, "hosted").attributes(
                attrs("gen_ai.response.model", "anthropic/claude-3.5-sonnet")).build()));
        append(List.of(span(3, 0, null, "other-snapshot").attributes(
                attrs("gen_ai.request.model", "claude-3-5-sonnet-20240620")).build()));
        append(List.of(span(4, 0, null, "other-family").attributes(
                attrs("gen_ai.request.model", "claude-3-5-haiku-20241022")).build()));

        assertThat(ids(TraceSearch.builder().model("claude-3-5-sonnet")))
                .containsExactlyInAnyOrder(traceId(1), traceId(2), traceId(3));
        assertThat(ids(TraceSearch.builder().model("claude-3-5-sonnet-20241022"))).containsExactly(traceId(1));
        assertThat(ids(TraceSearch.builder().model("claude-3-5"))).as("a family is a whole name, not a prefix")
                .isEmpty();
    }

    // ---- LLM calls, kept as rows of their own

    /** The real rollup rules with the bundled prices: LLM calls are the domain's calls, priced. */
    private final TraceAssembler pricing = new TraceAssembler(
            new dev.tta.obs.domain.workflow.WorkflowRollups(dev.tta.obs.domain.cost.PriceTable.bundled()));

    private void appendPriced(List<Span> spans) {
        TraceIngest.of(store, pricing, nowUnixNano::get).append(List.of(new SpanBatch(spans)));
    }

    private static Span llm(int trace, int span, Integer parent, String model, long in, long out, long durationMs) {
        long start = Fixtures.T0 + trace * 1000 * Fixtures.MS + span * Fixtures.MS;
        return span(trace, span, parent, "chat " + model).start(start).end(start + durationMs * Fixtures.MS)
                .attributes(Attributes.builder().put("gen_ai.operation.name", "chat")
                        .put("gen_ai.provider.name", model.startsWith("claude") ? "anthropic" : "openai")
                        .put("gen_ai.request.model", model)
                        .put("gen_ai.usage.input_tokens", in).put("gen_ai.usage.output_tokens", out).build())
                .build();
    }

    /** Three traces, five calls: two models, one failure, one wrapper around an instrumented call. */
    protected void appendLlmFixture() {
        appendPriced(List.of(span(1, 0, null, "answer").attributes(attrs("workflow.name", "support")).build(),
                llm(1, 1, 0, "gpt-4o-2024-08-06", 1000, 200, 900),
                llm(1, 2, 0, "gpt-4o-mini", 500, 50, 300)));
        // span 1 wraps the instrumented call 2 and repeats its usage: one call, not two
        appendPriced(List.of(span(2, 0, null, "summarize").build(),
                llm(2, 1, 0, "claude-3-5-sonnet-20241022", 3000, 400, 2500),
                llm(2, 2, 1, "claude-3-5-sonnet-20241022", 3000, 400, 2400)));
        Span failed = span(3, 1, 0, "chat gpt-4o").status(StatusCode.ERROR, "rate limited")
                .attributes(Attributes.builder().put("gen_ai.request.model", "gpt-4o")
                        .put("gen_ai.provider.name", "openai").build()).build();
        appendPriced(List.of(span(3, 0, null, "answer").attributes(attrs("workflow.name", "support")).build(),
                failed, llm(3, 2, 0, "gpt-4o", 100, 10, 50)));
    }

    private List<String> callIds(dev.tta.obs.domain.query.LlmCallSearch.Builder b) {
        return store.llmCalls(b.limit(100).build()).calls().stream()
                .map(c -> c.traceId().hex().substring(28) + "/" + c.spanId().hex().substring(12)).toList();
    }

    @Test
    protected void llmCalls_oneRowPerCall_withItsFacts() {
        appendLlmFixture();
        List<dev.tta.obs.domain.LlmCall> calls = store.llmCalls(dev.tta.obs.domain.query.LlmCallSearch.builder()
                .sort(dev.tta.obs.domain.query.LlmCallSort.TIME, false).build()).calls();
        assertThat(calls).hasSize(5);
        dev.tta.obs.domain.LlmCall first = calls.get(0);
        assertThat(first.traceId()).isEqualTo(traceId(1));
        assertThat(first.spanId()).isEqualTo(Fixtures.spanId(1));
        assertThat(first.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(first.modelFamily()).isEqualTo("gpt-4o");
        assertThat(first.provider()).isEqualTo("openai");
        assertThat(first.inputTokens()).isEqualTo(1000);
        assertThat(first.outputTokens()).isEqualTo(200);
        assertThat(first.totalTokens()).isEqualTo(1200);
        assertThat(first.costUsd()).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE)
                .isCloseTo(1000 * 2.50e-6 + 200 * 10.00e-6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(first.costStatus()).isEqualTo(dev.tta.obs.domain.cost.CostStatus.PRICED);
        assertThat(first.durationNanos()).isEqualTo(900 * Fixtures.MS);
        assertThat(first.workflowName()).isEqualTo("support");
        assertThat(first.serviceName()).isEqualTo("checkout");
        assertThat(first.failed()).isFalse();
        dev.tta.obs.domain.LlmCall wrapped = calls.stream().filter(c -> c.traceId().equals(traceId(2)))
                .findFirst().orElseThrow();
        assertThat(calls.stream().filter(c -> c.traceId().equals(traceId(2)))).as("the wrapper is not a call").hasSize(1);
        assertThat(wrapped.spanId()).isEqualTo(Fixtures.spanId(2));
        assertThat(wrapped.workflowName()).as("no workflow name: the root's").isEqualTo("summarize");
        dev.tta.obs.domain.LlmCall refused = calls.stream().filter(c -> c.failed()).findFirst().orElseThrow();
        assertThat(refused.spanId()).isEqualTo(Fixtures.spanId(1));
        assertThat(refused.traceId()).isEqualTo(traceId(3));
    }

    @Test
    protected void llmCalls_sortBothWays_andPageWithoutGapsOrRepeats() {
        appendLlmFixture();
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder()
                .sort(dev.tta.obs.domain.query.LlmCallSort.TOKENS, true)))
                .containsExactly("1002/0102", "1001/0101", "1001/0102", "1003/0102", "1003/0101");
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder()
                .sort(dev.tta.obs.domain.query.LlmCallSort.DURATION, false)).get(0)).isEqualTo("1003/0101");
        List<String> byCost = callIds(dev.tta.obs.domain.query.LlmCallSearch.builder()
                .sort(dev.tta.obs.domain.query.LlmCallSort.COST, true));
        assertThat(byCost.get(0)).as("claude with 3,400 tokens costs most").isEqualTo("1002/0102");
        for (dev.tta.obs.domain.query.LlmCallSort sort : dev.tta.obs.domain.query.LlmCallSort.values()) {
            for (boolean desc : new boolean[] {true, false}) {
                List<String> all = callIds(dev.tta.obs.domain.query.LlmCallSearch.builder().sort(sort, desc));
                List<String> paged = new ArrayList<>();
                dev.tta.obs.domain.query.LlmCallSearch s = dev.tta.obs.domain.query.LlmCallSearch.builder()
                        .sort(sort, desc).limit(2).build();
                while (true) {
                    dev.tta.obs.domain.query.LlmCallPage p = store.llmCalls(s);
                    p.calls().forEach(c -> paged.add(c.traceId().hex().substring(28) + "/"
                            + c.spanId().hex().substring(12)));
                    if (p.nextCursor().isEmpty()) {
                        break;
                    }
                    s = s.toBuilder().cursor(p.nextCursor().get()).build();
                }
                assertThat(paged).as("paging by " + sort + (desc ? " desc" : " asc")).containsExactlyElementsOf(all);
                assertThat(all).hasSize(5);
            }
        }
    }

    @Test
    protected void llmCalls_filterByFamilyProviderWorkflowServiceTimeStatusAndTrace() {
        appendLlmFixture();
        var b = (java.util.function.Supplier<dev.tta.obs.domain.query.LlmCallSearch.Builder>)
                () -> dev.tta.obs.domain.query.LlmCallSearch.builder().sort(dev.tta.obs.domain.query.LlmCallSort.TIME, false);
        assertThat(callIds(b.get().model("gpt-4o"))).as("the family finds its dated snapshot")
                .containsExactly("1001/0101", "1003/0101", "1003/0102");
        assertThat(callIds(b.get().model("GPT-4o-2024-08-06"))).containsExactly("1001/0101");
        assertThat(callIds(b.get().provider("Anthropic"))).containsExactly("1002/0102");
        assertThat(callIds(b.get().workflow("support"))).hasSize(4);
        assertThat(callIds(b.get().service("checkout"))).hasSize(5);
        assertThat(callIds(b.get().service("nope"))).isEmpty();
        assertThat(callIds(b.get().failed(true))).containsExactly("1003/0101");
        assertThat(callIds(b.get().failed(false))).hasSize(4);
        assertThat(callIds(b.get().traceId(traceId(1)))).containsExactly("1001/0101", "1001/0102");
        long t2 = Fixtures.T0 + 2000 * Fixtures.MS;
        assertThat(callIds(b.get().startFrom(t2).startTo(t2 + 999 * Fixtures.MS))).containsExactly("1002/0102");
        var totals = store.llmCallTotals(b.get().workflow("support").build());
        assertThat(totals.calls()).isEqualTo(4);
        assertThat(totals.traces()).isEqualTo(2);
        assertThat(totals.failedCalls()).isEqualTo(1);
        assertThat(totals.inputTokens()).isEqualTo(1600);
        assertThat(store.llmCalls(b.get().failed(true).build()).calls().get(0).costUsd())
                .as("a refused call without counts is not billed").contains(0.0);
        assertThat(totals.unpricedCalls()).isZero();
    }

    @Test
    protected void llmCalls_aWindowHoldingThousandsOfCalls_pagesInCostOrderLikeANarrowOne() {
        List<Span> spans = new ArrayList<>();
        spans.add(span(7, 0, null, "bulk").end(Fixtures.T0 + 7000 * Fixtures.MS + 9000 * Fixtures.MS).build());
        for (int i = 1; i <= 5200; i++) {
            // tokens (and so costs) in a scrambled order, some equal
            spans.add(llm(7, i, 0, i % 3 == 0 ? "llama-unpriced" : "gpt-4o-mini", (i * 7919L) % 1000, 10, 1));
        }
        appendPriced(spans);
        var all = dev.tta.obs.domain.query.LlmCallSearch.builder().sort(dev.tta.obs.domain.query.LlmCallSort.COST, true)
                .limit(1000);
        List<String> expected = new ArrayList<>();
        dev.tta.obs.domain.query.LlmCallSearch s = all.build();
        while (true) {
            dev.tta.obs.domain.query.LlmCallPage p = store.llmCalls(s);
            p.calls().forEach(c -> expected.add(c.spanId().hex()));
            if (p.nextCursor().isEmpty()) {
                break;
            }
            s = s.toBuilder().cursor(p.nextCursor().get()).build();
        }
        assertThat(expected).hasSize(5200);
        // the same order through a window that holds every call (read through the cost index)
        List<String> windowed = new ArrayList<>();
        s = all.startFrom(Fixtures.T0).startTo(Fixtures.T0 + 100_000 * Fixtures.MS).build();
        while (true) {
            dev.tta.obs.domain.query.LlmCallPage p = store.llmCalls(s);
            p.calls().forEach(c -> windowed.add(c.spanId().hex()));
            if (p.nextCursor().isEmpty()) {
                break;
            }
            s = s.toBuilder().cursor(p.nextCursor().get()).build();
        }
        assertThat(windowed).isEqualTo(expected);
        List<dev.tta.obs.domain.LlmCall> top = store.llmCalls(all.limit(20).build()).calls();
        for (int i = 1; i < top.size(); i++) {
            assertThat(top.get(i - 1).costUsd().orElse(-1.0)).isGreaterThanOrEqualTo(top.get(i).costUsd().orElse(-1.0));
        }
        assertThat(store.llmCalls(dev.tta.obs.domain.query.LlmCallSearch.builder().model("llama-unpriced")
                .sort(dev.tta.obs.domain.query.LlmCallSort.COST, true).limit(1000).build()).calls())
                .hasSize(1000).allMatch(c -> c.costUsd().isEmpty());
    }

    @Test
    protected void llmCalls_followMergesAndDeletes() {
        // the wrapper arrives first and is a call; once its instrumented child arrives, the child is
        appendPriced(List.of(span(5, 0, null, "late").build(), llm(5, 1, 0, "gpt-4o-mini", 10, 10, 100)));
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder())).containsExactly("1005/0101");
        appendPriced(List.of(llm(5, 2, 1, "gpt-4o-mini", 10, 10, 90)));
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder())).containsExactly("1005/0102");
        appendLlmFixture();
        store.deleteTrace(traceId(1));
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder())).noneMatch(id -> id.startsWith("1001/"))
                .hasSize(4);
        store.deleteAll();
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder())).isEmpty();
        appendLlmFixture();
        assertThat(callIds(dev.tta.obs.domain.query.LlmCallSearch.builder())).hasSize(5);
    }

    @Test
    protected void findSummaries_returnsTheLatestOfThoseStored() {
        append(trace(1, 2, "one"));
        append(List.of(span(1, 5, 0, "late").build()));
        List<TraceSummary> found = store.findSummaries(List.of(traceId(1), traceId(404)));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).spanCount()).isEqualTo(3);
    }

    @Test
    protected void stats_countsPercentilesErrorsAndTodaysCost_andFollowEveryWrite() {
        java.time.LocalDate day = java.time.Instant.ofEpochSecond(0, Fixtures.T0).atZone(java.time.ZoneOffset.UTC).toLocalDate();
        assertThat(store.stats(day).traceCount()).isZero();
        appendFilterFixture();
        dev.tta.obs.domain.query.TraceStats s = store.stats(day);
        assertThat(s.traceCount()).isEqualTo(5);
        assertThat(s.errorRate()).as("trace 2's root did not fail: it recovered").isZero();
        assertThat(s.recoveryRate()).isEqualTo(0.2);
        assertThat(s.p50Ms()).isCloseTo(11, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(s.p99Ms()).isCloseTo(1000, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(s.avgDurationMs()).isCloseTo((11 + 11 + 1000 + 10 + 22) / 5.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(s.costTodayUsd()).hasValueSatisfying(c -> assertThat(c).isCloseTo(0.52, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(store.stats(day.plusDays(1)).costTodayUsd()).contains(0.0);

        append(List.of(span(2, 9, 0, "fixed").build()));
        store.deleteTrace(traceId(3));
        dev.tta.obs.domain.query.TraceStats after = store.stats(day);
        assertThat(after.traceCount()).isEqualTo(4);
        assertThat(after.p99Ms()).as("the 1 s trace is gone").isLessThan(30);
        assertThat(after.costTodayUsd()).hasValueSatisfying(c -> assertThat(c).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-9)));
    }

    @Test
    protected void servicesAndOperations_listWhatArrived() {
        appendFilterFixture();
        assertThat(store.services()).containsExactly("agent", "checkout");
        assertThat(store.operations(Optional.of("agent"))).containsExactly("agent-run", "tool.call");
        assertThat(store.operations(Optional.empty())).contains("checkout-flow", "llm.chat", "tool.call");
    }

    @Test
    protected void scanSummaries_handsOverEveryTraceFromATime() {
        appendFilterFixture();
        List<TraceId> seen = new ArrayList<>();
        store.scanSummaries(Fixtures.T0 + 3000 * Fixtures.MS, s -> seen.add(s.traceId()));
        assertThat(seen).containsExactlyInAnyOrder(traceId(3), traceId(4), traceId(5));
    }

    @Test
    protected void deleteTrace_removesItFromEveryRead() {
        appendFilterFixture();
        assertThat(store.deleteTrace(traceId(2))).isTrue();
        assertThat(store.deleteTrace(traceId(2))).isFalse();
        assertThat(store.findTrace(traceId(2))).isEmpty();
        assertThat(store.traceCount()).isEqualTo(4);
        assertThat(ids(TraceSearch.builder().attribute("tool", "search"))).containsExactly(traceId(3));
        assertThat(ids(TraceSearch.builder().text("agent"))).isEmpty();
        append(trace(2, 1, "again"));
        assertThat(store.findTrace(traceId(2)).orElseThrow().spans()).hasSize(1);
    }

    @Test
    protected void deleteAll_leavesAnEmptyStoreThatStillWorks() {
        appendFilterFixture();
        assertThat(store.deleteAll()).isEqualTo(5);
        assertThat(store.traceCount()).isZero();
        assertThat(store.search(TraceSearch.newest(10)).traces()).isEmpty();
        assertThat(ids(TraceSearch.builder().text("quarterly"))).isEmpty();
        assertThat(store.services()).isEmpty();
        assertThat(store.stats(java.time.LocalDate.now()).traceCount()).isZero();
        append(trace(1, 2, "fresh"));
        assertThat(ids(TraceSearch.builder().spanName("fresh"))).containsExactly(traceId(1));
        assertThat(store.stats(java.time.LocalDate.now()).traceCount()).isEqualTo(1);
    }

    @Test
    protected void evict_keepsTheNewestArrivals_inBoundedBatches() {
        for (int t = 1; t <= 7; t++) {
            append(trace(t, 2, "run-" + t));
            nowUnixNano.addAndGet(1_000_000L);
        }
        assertThat(store.evict(3, Optional.empty(), 2)).isEqualTo(2);
        assertThat(store.evict(3, Optional.empty(), 2)).isEqualTo(2);
        assertThat(store.evict(3, Optional.empty(), 2)).isZero();
        assertThat(store.traceCount()).isEqualTo(3);
        assertThat(store.findTrace(traceId(7))).isPresent();
        assertThat(store.findTrace(traceId(5))).isPresent();
        assertThat(store.findTrace(traceId(4))).isEmpty();
        assertThat(store.search(TraceSearch.newest(10)).traces()).hasSize(3);
        assertThat(store.stats(java.time.LocalDate.now()).traceCount()).isEqualTo(3);
    }

    @Test
    protected void evict_byArrivalAge_notByTheExportersClock() {
        // the fixtures start in January: evicting by start time would remove them at once
        append(trace(1, 2, "imported-long-ago"));
        long now = nowUnixNano.get();
        assertThat(store.evict(Long.MAX_VALUE, Optional.of(now - 3_600_000_000_000L), 100)).isZero();
        assertThat(store.findTrace(traceId(1))).isPresent();
        assertThat(store.evict(Long.MAX_VALUE, Optional.of(now + 1_000_000_000L), 100)).isEqualTo(1);
        assertThat(store.findTrace(traceId(1))).isEmpty();
        assertThat(store.traceCount()).isZero();
    }
}
