package dev.tta.obs.ports.contract;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.out.TraceStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

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
    protected TraceStore store;

    /** A new, empty store. */
    protected abstract TraceStore newStore() throws Exception;

    @BeforeEach
    protected void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    protected void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected void append(List<Span> spans) {
        store.append(List.of(new SpanBatch(spans)));
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

    @Test
    protected void resentBatch_isStoredAndCountedOnce() {
        List<Span> spans = trace(3, 5, "retried-export");
        append(spans);
        append(spans);
        store.append(List.of(new SpanBatch(spans), new SpanBatch(spans.subList(0, 2))));

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
            search = new TraceSearch(search.serviceName(), search.text(), search.startFromUnixNano(),
                    search.startToUnixNano(), search.errorsOnly(), search.limit(), p.nextCursor());
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
}
