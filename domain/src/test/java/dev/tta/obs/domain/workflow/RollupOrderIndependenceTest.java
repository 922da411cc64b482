package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TestSpans;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

/** Property: a trace's summary depends on its set of spans only, not on arrival order or resends. */
class RollupOrderIndependenceTest {
    private final TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));

    @Test
    void ttaWorkflowSummaryIsTheSameForAnyOrderAndResentBatches() {
        List<Span> spans = TtaWorkflowFixture.spans();
        TraceSummary expected = assembler.summarize(TestSpans.TRACE, spans);
        assertThat(expected.rollup().retries()).isEqualTo(2);
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            assertThat(assembler.summarize(TestSpans.TRACE, shuffledWithResends(spans, random)))
                    .as("permutation %d", i).isEqualTo(expected);
        }
    }

    @Test
    void randomTracesSummariseTheSameForAnyOrderAndResentBatches() {
        Random random = new Random(42);
        for (int trace = 0; trace < 60; trace++) {
            List<Span> spans = randomTrace(random);
            TraceSummary expected = assembler.summarize(TestSpans.TRACE, spans);
            for (int i = 0; i < 40; i++) {
                assertThat(assembler.summarize(TestSpans.TRACE, shuffledWithResends(spans, random)))
                        .as("trace %d permutation %d", trace, i).isEqualTo(expected);
            }
        }
    }

    @Test
    void theListedLlmCallsAreTheCallsTheRollupCounts_inAnyOrder_andTheirSumsAreItsSums() {
        Random random = new Random(11);
        for (int trace = 0; trace < 60; trace++) {
            List<Span> spans = randomTrace(random);
            TraceAssembler.Summarized expected = assembler.summarizeWithCalls(TestSpans.TRACE, spans);
            assertThat(expected.summary()).isEqualTo(assembler.summarize(TestSpans.TRACE, spans));
            assertThat(expected.llmCalls()).hasSize(expected.summary().rollup().llmCalls());
            assertThat(expected.llmCalls().stream().mapToLong(c -> c.inputTokens()).sum())
                    .isEqualTo(expected.summary().rollup().inputTokens());
            assertThat(expected.llmCalls().stream().mapToLong(c -> c.outputTokens()).sum())
                    .isEqualTo(expected.summary().rollup().outputTokens());
            for (int i = 0; i < 10; i++) {
                assertThat(assembler.summarizeWithCalls(TestSpans.TRACE, shuffledWithResends(spans, random)).llmCalls())
                        .as("trace %d permutation %d", trace, i).containsExactlyInAnyOrderElementsOf(expected.llmCalls());
            }
        }
    }

    @Test
    void reportedCostsSumToTheSameBitsWhateverTheOrder() {
        Random random = new Random(7);
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            spans.add(span("chat").attr("gen_ai.request.model", "gpt-4o")
                    .attr("gen_ai.usage.input_tokens", 10L).attr("gen_ai.usage.cost_usd", random.nextDouble() / 7).build());
        }
        TraceSummary expected = assembler.summarize(TestSpans.TRACE, spans);
        for (int i = 0; i < 50; i++) {
            assertThat(assembler.summarize(TestSpans.TRACE, shuffledWithResends(spans, random))).isEqualTo(expected);
        }
    }

    private static List<Span> shuffledWithResends(List<Span> spans, Random random) {
        List<Span> arrival = new ArrayList<>(spans);
        // an exporter retrying a batch sends some spans again
        int resent = random.nextInt(spans.size() + 1);
        for (int j = 0; j < resent; j++) {
            arrival.add(spans.get(random.nextInt(spans.size())));
        }
        Collections.shuffle(arrival, random);
        return arrival;
    }

    private static final String[] TYPES = {"SequentialPrimitive", "CachePrimitive", "RetryPrimitive",
        "FallbackPrimitive", "OpenAIPrimitive", "AnthropicPrimitive", "RouterPrimitive", "SagaPrimitive",
        "TimeoutPrimitive", "LambdaPrimitive"};
    private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini-2024-07-18", "claude-3-5-haiku-20241022",
        "acme-unpriced", "gemini-2.0-flash"};

    private static List<Span> randomTrace(Random random) {
        int n = 2 + random.nextInt(30);
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestSpans.Draft d = span("span-" + random.nextInt(6)).time(random.nextInt(1000), 1000 + random.nextInt(1000));
            if (i > 0 && random.nextInt(8) != 0) {
                d.parent(spans.get(random.nextInt(spans.size())));
            }
            if (random.nextBoolean()) {
                d.attr("primitive.type", TYPES[random.nextInt(TYPES.length)]);
            }
            switch (random.nextInt(9)) {
                case 0 -> d.attr("cache.hit", random.nextBoolean());
                case 1 -> d.attr("retry.attempt", (long) random.nextInt(4)).attr("retry.primitive_type", "LambdaPrimitive");
                case 2 -> d.attr("retry.succeeded_on_attempt", 1L + random.nextInt(4));
                case 3 -> d.attr("fallback.used_fallback", random.nextBoolean());
                case 4 -> d.attr("gen_ai.request.model", MODELS[random.nextInt(MODELS.length)])
                        .attr("gen_ai.usage.input_tokens", (long) random.nextInt(100_000))
                        .attr("gen_ai.usage.cache_read.input_tokens", (long) random.nextInt(1000))
                        .attr("gen_ai.usage.output_tokens", (long) random.nextInt(10_000));
                case 5 -> d.attr("llm.model_name", MODELS[random.nextInt(MODELS.length)])
                        .attr("llm.token_count.prompt", (long) random.nextInt(5000))
                        .attr("llm.cost.total", random.nextDouble() / 7);
                case 6 -> d.attr("workflow.id", "wf-" + random.nextInt(3)).attr("workflow.name", "name-" + random.nextInt(3));
                case 7 -> d.attr("saga.compensation_triggered", true);
                default -> d.error("failed");
            }
            spans.add(d.build());
        }
        return spans;
    }
}
