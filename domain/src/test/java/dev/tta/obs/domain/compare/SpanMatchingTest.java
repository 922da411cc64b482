package dev.tta.obs.domain.compare;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

class SpanMatchingTest {

    private static Span llm(Span parent, String model, long start) {
        return span("chat " + model).parent(parent).time(start, start + 500).attr("gen_ai.operation.name", "chat")
                .attr("gen_ai.request.model", model).attr("gen_ai.usage.input_tokens", 100L).build();
    }

    private static List<String> rows(List<SpanMatching.Match> matches) {
        return matches.stream().map(m -> "  ".repeat(m.depth())
                + m.a().map(Span::name).orElse("–") + " | " + m.b().map(Span::name).orElse("–")).toList();
    }

    @Test
    void aModelSwitch_isOneLlmCallThatChangedModel_notOneRemovedAndOneAdded() {
        Span ra = span("agent.run").time(0, 1000).build();
        Span rb = span("agent.run").time(0, 1000).build();
        List<SpanMatching.Match> m = SpanMatching.match(List.of(ra, llm(ra, "gpt-4o", 10)), List.of(rb, llm(rb, "gpt-4o-mini", 10)));
        assertThat(rows(m)).containsExactly("agent.run | agent.run", "  chat gpt-4o | chat gpt-4o-mini");
        assertThat(m.get(1).llmCall()).isTrue();
        assertThat(m.get(1).path()).isEqualTo("agent.run › LLM call");
    }

    @Test
    void siblingsAreMatchedByPositionAmongTheirRole_numbersInNamesAside_andWhatIsLeftIsOneSided() {
        Span ra = span("batch").time(0, 1000).build();
        Span a1 = span("step 16").parent(ra).time(10, 20).build();
        Span a2 = span("step 17").parent(ra).time(30, 40).build();
        Span a3 = span("upload").parent(ra).time(50, 60).build();
        Span rb = span("batch").time(0, 1000).build();
        Span b1 = span("step 8").parent(rb).time(10, 25).build();
        Span b2 = span("step 9").parent(rb).time(30, 45).build();
        Span b3 = span("step 10").parent(rb).time(47, 48).build();
        Span b3child = span("fetch").parent(b3).time(47, 48).build();
        List<SpanMatching.Match> m = SpanMatching.match(List.of(ra, a1, a2, a3), List.of(rb, b1, b2, b3, b3child));
        assertThat(rows(m)).containsExactly("batch | batch", "  step 16 | step 8", "  step 17 | step 9",
                "  – | step 10", "    – | fetch", "  upload | –");
    }

    @Test
    void aRenamedPrimitive_isStillTheSameStep() {
        Span ra = span("run").time(0, 1000).build();
        Span retryA = span("RetryPrimitive.execute").parent(ra).attr("primitive.type", "RetryPrimitive").time(1, 9).build();
        Span rb = span("run").time(0, 1000).build();
        Span retryB = span("retry-with-backoff").parent(rb).attr("primitive.type", "RetryPrimitive").time(1, 9).build();
        assertThat(rows(SpanMatching.match(List.of(ra, retryA), List.of(rb, retryB))))
                .containsExactly("run | run", "  RetryPrimitive.execute | retry-with-backoff");
    }

    /** A random tree: names from a small set, so roles repeat, some LLM calls among them. */
    private static List<Span> randomTree(Random r, int size) {
        List<Span> spans = new ArrayList<>();
        spans.add(span("root").time(0, 10_000).build());
        String[] names = {"step 1", "step 2", "tool", "retrieve", "agent"};
        String[] models = {"gpt-4o", "gpt-4o-mini", "claude-3-5-haiku"};
        for (int i = 1; i < size; i++) {
            Span parent = spans.get(r.nextInt(spans.size()));
            long start = r.nextInt(9_000);
            spans.add(r.nextInt(4) == 0 ? llm(parent, models[r.nextInt(models.length)], start)
                    : span(names[r.nextInt(names.length)]).parent(parent).time(start, start + r.nextInt(900)).build());
        }
        return spans;
    }

    @Test
    void property_aRunMatchedWithItself_pairsEverySpanWithItself_inAnyArrivalOrder() {
        Random r = new Random(19);
        for (int round = 0; round < 200; round++) {
            List<Span> spans = randomTree(r, 1 + r.nextInt(60));
            List<Span> shuffled = new ArrayList<>(spans);
            Collections.shuffle(shuffled, r);
            List<SpanMatching.Match> m = SpanMatching.match(spans, shuffled);
            assertThat(m).hasSize(spans.size());
            assertThat(m).allMatch(x -> x.both() && x.a().get().spanId().equals(x.b().get().spanId()));
        }
    }

    @Test
    void property_everySpanAppearsOnceOnItsSide_andSwappingTheRunsSwapsTheSides() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Span> a = randomTree(r, 1 + r.nextInt(40));
            List<Span> b = randomTree(r, 1 + r.nextInt(40));
            List<SpanMatching.Match> ab = SpanMatching.match(a, b);
            assertThat(ids(ab, true)).containsExactlyInAnyOrderElementsOf(a.stream().map(Span::spanId).toList());
            assertThat(ids(ab, false)).containsExactlyInAnyOrderElementsOf(b.stream().map(Span::spanId).toList());
            Set<String> pairs = new HashSet<>();
            ab.forEach(x -> pairs.add(x.a().map(s -> s.spanId().hex()).orElse("-") + x.b().map(s -> s.spanId().hex()).orElse("-")));
            Set<String> swapped = new HashSet<>();
            SpanMatching.match(b, a).forEach(x -> swapped.add(x.b().map(s -> s.spanId().hex()).orElse("-")
                    + x.a().map(s -> s.spanId().hex()).orElse("-")));
            assertThat(swapped).isEqualTo(pairs);
            // a matched pair's parents are matched with each other (the match follows the tree)
            for (SpanMatching.Match x : ab) {
                if (x.both() && x.a().get().parentSpanId().isPresent() && x.b().get().parentSpanId().isPresent()) {
                    SpanId pa = x.a().get().parentSpanId().get();
                    SpanId pb = x.b().get().parentSpanId().get();
                    assertThat(pairs).contains(pa.hex() + pb.hex());
                }
            }
        }
    }

    private static List<SpanId> ids(List<SpanMatching.Match> m, boolean sideA) {
        return m.stream().map(x -> sideA ? x.a() : x.b()).filter(Optional::isPresent).map(o -> o.get().spanId()).toList();
    }

    @Test
    void property_aLineDiff_holdsBothTexts_inOrder() {
        Random r = new Random(3);
        for (int round = 0; round < 300; round++) {
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            for (int i = r.nextInt(15); i > 0; i--) {
                a.add("l" + r.nextInt(6));
            }
            for (int i = r.nextInt(15); i > 0; i--) {
                b.add("l" + r.nextInt(6));
            }
            List<LineDiff.Line> d = LineDiff.of(a, b);
            assertThat(d.stream().filter(l -> l.op() != LineDiff.Op.ADDED).map(LineDiff.Line::text).toList()).isEqualTo(a);
            assertThat(d.stream().filter(l -> l.op() != LineDiff.Op.REMOVED).map(LineDiff.Line::text).toList()).isEqualTo(b);
        }
        assertThat(LineDiff.of(List.of("system: be brief", "user: hi", "assistant: hello"),
                List.of("system: be brief", "user: hi", "assistant: hi there")))
                .extracting(LineDiff.Line::op).containsExactly(LineDiff.Op.SAME, LineDiff.Op.SAME, LineDiff.Op.REMOVED,
                        LineDiff.Op.ADDED);
    }
}
