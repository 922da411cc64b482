package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TestSpans;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.ModelUsage;
import dev.tta.obs.domain.cost.PriceTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WorkflowRollupsTest {
    private final WorkflowRollups rollups = new WorkflowRollups(PriceTable.bundled());

    @Test
    void ttaWorkflowGivesPrimitivesRetriesFallbackTokensAndListPriceCost() {
        TraceSummary summary = new TraceAssembler(rollups).summarize(TestSpans.TRACE, TtaWorkflowFixture.spans());
        WorkflowRollup r = summary.rollup();

        assertThat(r.primitiveTypes()).containsExactly("cache", "fallback", "llm", "retry", "sequential", "tool");
        assertThat(r.cacheMisses()).isEqualTo(1);
        assertThat(r.cacheHits()).isEqualTo(1);
        assertThat(r.retries()).isEqualTo(2);
        assertThat(r.fallbacksUsed()).isEqualTo(1);
        // the failed OpenAI primary was a call too: refused, it reported no tokens and costs nothing
        assertThat(r.llmCalls()).isEqualTo(3);
        assertThat(r.modelUsage()).extracting(ModelUsage::model)
                .containsExactly("claude-3-5-sonnet", "gpt-4o", "gpt-4o-mini");
        assertThat(r.modelUsage()).extracting(ModelUsage::calls).containsExactly(1, 1, 1);
        assertThat(r.modelUsage()).extracting(ModelUsage::callsWithoutUsage).containsExactly(0, 0, 0);
        assertThat(r.inputTokens()).isEqualTo(128_000);
        assertThat(r.cachedInputTokens()).isEqualTo(22_000);
        assertThat(r.outputTokens()).isEqualTo(31_500);
        assertThat(r.reasoningTokens()).isZero();

        // List prices, USD per 1M tokens: gpt-4o-mini input 0.15, cached 0.075, output 0.60;
        // claude-3.5-sonnet input 3.00, cache read 0.30, output 15.00.
        double gpt4oMini = (100_000 * 0.15 + 20_000 * 0.075 + 30_000 * 0.60) / 1e6;   // 0.0345
        double sonnet = (6_000 * 3.00 + 2_000 * 0.30 + 1_500 * 15.00) / 1e6;          // 0.0411
        assertThat(gpt4oMini + sonnet).isCloseTo(0.0756, within(1e-12));
        assertThat(r.costUsd().orElseThrow()).isCloseTo(0.0756, within(0.000_001));
        assertThat(Math.round(r.costUsd().orElseThrow() * 100)).isEqualTo(8);
        assertThat(r.costStatus()).isEqualTo(CostStatus.PRICED);
        assertThat(r.unpricedModels()).isEmpty();

        assertThat(r.workflowId()).contains("wf-42");
        assertThat(r.workflowName()).contains("support_answer");
        assertThat(r.sessionId()).contains("session-7");
        assertThat(summary.errorCount()).isEqualTo(3);
    }

    @Test
    void attemptSpansNamedAnythingUnderTheRetrySpanAreItsAttempts() {
        // the example: shown as "retry x5" when attempts were recognised by name
        Span retry = span("RetryPrimitive.execute").time(0, 1_000).attr("retry.max_retries", 3L)
                .attr("retry.final_attempts", 3L).build();
        List<Span> spans = new ArrayList<>(List.of(retry));
        for (long a = 1; a <= 3; a++) {
            TestSpans.Draft d = span("flaky_tool.attempt").parent(retry).time(a * 100, a * 100 + 50)
                    .attr("retry.attempt", a);
            spans.add(a < 3 ? d.error("flaky").build() : d.build());
        }
        WorkflowRollup r = rollups.rollup(spans);
        assertThat(r.retryAttempts()).isEqualTo(3);
        assertThat(r.retries()).isEqualTo(2);
        assertThat(r.primitiveTypes()).containsExactly("retry");
    }

    @Test
    void aFallbackNestedInABranchIsAFallbackOfItsOwn() {
        Span outer = span("FallbackPrimitive.execute").time(0, 1_000).build();
        Span primary = span("answer_with_gpt").parent(outer).time(10, 400).error("429").build();
        Span secondary = span("answer_locally").parent(outer).time(500, 990).build();
        Span inner = span("pick_model").parent(secondary).time(510, 980).attr("primitive.type", "FallbackPrimitive")
                .attr("fallback.used_fallback", true).build();
        WorkflowRollup r = rollups.rollup(List.of(outer, primary, secondary, inner));
        assertThat(r.fallbacksUsed()).isEqualTo(2);

        // a fallback whose first branch answered ran no fallback, however many children it has
        Span ok = span("FallbackPrimitive.execute").time(0, 1_000).build();
        assertThat(rollups.rollup(List.of(ok, span("a").parent(ok).time(10, 20).build(),
                span("b").parent(ok).time(30, 40).build())).fallbacksUsed()).isZero();
    }

    @Test
    void aCacheSpanAndTheLookupInsideItAreOneLookup() {
        Span cache = span("CachePrimitive.execute").attr("cache.hit", true).build();
        Span lookup = span("redis GET").parent(cache).attr("cache.hit", true).build();
        Span bare = span("embedding_cache").attr("cache.hit", false).build();
        WorkflowRollup r = rollups.rollup(List.of(cache, lookup, bare));
        assertThat(r.cacheHits()).isEqualTo(1);
        assertThat(r.cacheMisses()).isEqualTo(1);
    }

    @Test
    void retrySummaryAloneCountsAttemptsBeyondTheFirst() {
        WorkflowRollup r = rollups.rollup(List.of(span("RetryPrimitive.execute")
                .attr("primitive.type", "RetryPrimitive").attr("retry.final_attempts", 4L).build()));
        assertThat(r.retries()).isEqualTo(3);
    }

    @Test
    void attemptSpansAloneUnderTheWorkflowRootCountEachReattempt() {
        Span root = span("workflow").build();
        List<Span> spans = new ArrayList<>(List.of(root));
        for (int i = 1; i <= 3; i++) {
            TestSpans.Draft d = span("retry.attempt_" + (i - 1)).parent(root).attr("retry.attempt", (long) i)
                    .attr("retry.primitive_type", "LambdaPrimitive");
            if (i == 3) {
                d.attr("retry.succeeded_on_attempt", 3L);
            }
            spans.add(d.build());
        }
        assertThat(rollups.rollup(spans).retries()).isEqualTo(2);
    }

    @Test
    void twoRetriesOfTheSamePrimitiveUnderOneParentAreBothCounted() {
        Span root = span("workflow").build();
        List<Span> spans = new ArrayList<>(List.of(root));
        for (long attempt : new long[] {1, 2, 3, 1, 2}) {
            spans.add(span("retry.attempt_" + (attempt - 1)).parent(root).attr("retry.attempt", attempt)
                    .attr("retry.primitive_type", "LambdaPrimitive").build());
        }
        assertThat(rollups.rollup(spans).retries()).isEqualTo(3);
    }

    @Test
    void siblingAttemptSpansInsideTheRetrySpansTimeAreThatRetrysAttempts() {
        Span root = span("workflow").time(0, 100).build();
        Span retry = span("RetryPrimitive.execute").parent(root).time(10, 50)
                .attr("primitive.type", "RetryPrimitive").attr("retry.succeeded_on_attempt", 3L).build();
        List<Span> spans = new ArrayList<>(List.of(root, retry));
        for (long a = 1; a <= 3; a++) {
            spans.add(span("retry.attempt_" + (a - 1)).parent(root).time(10 + a * 10, 15 + a * 10)
                    .attr("retry.attempt", a).attr("retry.primitive_type", "LambdaPrimitive").build());
        }
        assertThat(rollups.rollup(spans).retries()).isEqualTo(2);

        // a later, separate retry under the same root is another retry
        spans.add(span("retry.attempt_0").parent(root).time(60, 65).attr("retry.attempt", 1L)
                .attr("retry.primitive_type", "ToolPrimitive").build());
        spans.add(span("retry.attempt_1").parent(root).time(66, 70).attr("retry.attempt", 2L)
                .attr("retry.primitive_type", "ToolPrimitive").build());
        assertThat(rollups.rollup(spans).retries()).isEqualTo(3);
    }

    @Test
    void zeroBasedAttemptNumbersAreRecognised() {
        Span retry = span("RetryPrimitive.execute").attr("primitive.type", "RetryPrimitive").build();
        List<Span> spans = List.of(retry,
                span("attempt_0").parent(retry).attr("retry.attempt", 0L).build(),
                span("attempt_1").parent(retry).attr("retry.attempt", 1L).build());
        assertThat(rollups.rollup(spans).retries()).isEqualTo(1);
    }

    @Test
    void retrySpanWithARunningAttemptCounterAndNoChildren() {
        WorkflowRollup r = rollups.rollup(List.of(span("retry.operation").attr("retry.max_attempts", 5L)
                .attr("retry.current_attempt", 3L).attr("retry.succeeded_on_attempt", 3L).build()));
        assertThat(r.retries()).isEqualTo(2);
    }

    @Test
    void firstTimeSuccessIsNoRetry() {
        WorkflowRollup r = rollups.rollup(List.of(span("RetryPrimitive.execute")
                .attr("primitive.type", "RetryPrimitive").attr("retry.max_retries", 3L).build()));
        assertThat(r.retries()).isZero();
        assertThat(r.primitiveTypes()).containsExactly("retry");
    }

    @Test
    void llmCallRecordedByAPrimitiveAndItsInstrumentedClientCountsOnce() {
        Span wrapper = span("OpenAIPrimitive.execute").attr("primitive.type", "OpenAIPrimitive")
                .attr("gen_ai.request.model", "gpt-4o").attr("gen_ai.usage.input_tokens", 1000L)
                .attr("gen_ai.usage.output_tokens", 100L).build();
        Span client = span("chat gpt-4o").parent(wrapper).attr("gen_ai.operation.name", "chat")
                .attr("gen_ai.request.model", "gpt-4o").attr("gen_ai.usage.input_tokens", 1000L)
                .attr("gen_ai.usage.output_tokens", 100L).build();
        WorkflowRollup r = rollups.rollup(List.of(wrapper, client));
        assertThat(r.llmCalls()).isEqualTo(1);
        assertThat(r.inputTokens()).isEqualTo(1000);
        assertThat(r.outputTokens()).isEqualTo(100);
    }

    @Test
    void oneCallRecordedBySiblingSpansOfTwoLibrariesCountsOnce() {
        // OpenInference's Anthropic instrumentation beside the Anthropic SDK's own span of a streamed
        // call: neither inside the other, both under the caller's span
        Span root = span("conversation").time(0, 10_000).build();
        Span openInference = scoped(span("Anthropic Messages").parent(root).time(1_100, 2_000)
                .attr("openinference.span.kind", "LLM").attr("llm.model_name", "claude-sonnet-4-5-20250929")
                .attr("llm.token_count.prompt", 1350L).attr("llm.token_count.completion", 20L), "@arizeai/openinference-instrumentation-anthropic");
        Span sdk = scoped(span("anthropic.messages.create").parent(root).time(1_000, 2_050)
                .attr("gen_ai.operation.name", "chat").attr("gen_ai.response.model", "claude-sonnet-4-5-20250929")
                .attr("gen_ai.usage.input_tokens", 1350L).attr("gen_ai.usage.cache_read.input_tokens", 1024L)
                .attr("gen_ai.usage.output_tokens", 20L), "com.anthropic.sdk.typescript");
        WorkflowRollup r = rollups.rollup(List.of(root, openInference, sdk));
        assertThat(r.llmCalls()).isEqualTo(1);
        assertThat(r.inputTokens()).isEqualTo(1350);
        // the twin that tells more (the cache reads) is the one counted
        assertThat(r.cachedInputTokens()).isEqualTo(1024);
        assertThat(rollups.rollup(List.of(sdk, openInference, root))).isEqualTo(r);

        // a twin without token counts (a streamed call its library did not count) adds no unknown call
        Span uncounted = scoped(span("Anthropic Messages").parent(root).time(1_100, 2_000)
                .attr("openinference.span.kind", "LLM").attr("llm.model_name", "claude-sonnet-4-5-20250929"), "oi");
        assertThat(rollups.rollup(List.of(root, uncounted, sdk)).modelUsage()).singleElement()
                .satisfies(u -> assertThat(u.callsWithoutUsage()).isZero());

        // not twins: the same library twice, calls one after the other, or other token counts
        Span sameScope = scoped(span("anthropic.messages.create").parent(root).time(1_000, 2_050)
                .attr("gen_ai.response.model", "claude-sonnet-4-5-20250929")
                .attr("gen_ai.usage.input_tokens", 1350L).attr("gen_ai.usage.output_tokens", 20L), "com.anthropic.sdk.typescript");
        assertThat(rollups.rollup(List.of(root, sdk, sameScope)).llmCalls()).isEqualTo(2);
        Span later = scoped(span("Anthropic Messages").parent(root).time(3_000, 4_000)
                .attr("llm.model_name", "claude-sonnet-4-5-20250929")
                .attr("llm.token_count.prompt", 1350L).attr("llm.token_count.completion", 20L), "oi");
        assertThat(rollups.rollup(List.of(root, sdk, later)).llmCalls()).isEqualTo(2);
        Span otherCounts = scoped(span("Anthropic Messages").parent(root).time(1_100, 2_000)
                .attr("llm.model_name", "claude-sonnet-4-5-20250929")
                .attr("llm.token_count.prompt", 900L).attr("llm.token_count.completion", 20L), "oi");
        assertThat(rollups.rollup(List.of(root, sdk, otherCounts)).llmCalls()).isEqualTo(2);
    }

    private static Span scoped(TestSpans.Draft draft, String scope) {
        return draft.build().toBuilder()
                .scope(new dev.tta.obs.domain.InstrumentationScope(scope, "", dev.tta.obs.domain.Attributes.empty(), 0))
                .build();
    }

    @Test
    void agentSpanRepeatingItsChildrensUsageIsNotAddedAgain() {
        Span agent = span("invoke_agent planner").attr("gen_ai.operation.name", "invoke_agent")
                .attr("gen_ai.usage.input_tokens", 300L).attr("gen_ai.usage.output_tokens", 30L).build();
        Span c1 = span("chat").parent(agent).attr("gen_ai.request.model", "gpt-4o")
                .attr("gen_ai.usage.input_tokens", 100L).attr("gen_ai.usage.output_tokens", 10L).build();
        Span c2 = span("chat").parent(agent).attr("gen_ai.request.model", "gpt-4o")
                .attr("gen_ai.usage.input_tokens", 200L).attr("gen_ai.usage.output_tokens", 20L).build();
        WorkflowRollup r = rollups.rollup(List.of(agent, c1, c2));
        assertThat(r.inputTokens()).isEqualTo(300);
        assertThat(r.modelUsage()).singleElement().satisfies(u -> assertThat(u.calls()).isEqualTo(2));
    }

    @Test
    void fallbackReportedOnTheFallbackSpanAndItsChildIsOneFallback() {
        Span fb = span("FallbackPrimitive.execute").attr("fallback.used_fallback", true).build();
        Span child = span("fallback.fallback").parent(fb).attr("fallback.execution", "fallback").build();
        Span other = span("fallback.fallback").attr("fallback.used_fallback", true).build();
        assertThat(rollups.rollup(List.of(fb, child, other)).fallbacksUsed()).isEqualTo(2);
    }

    @Test
    void reportedCostWinsAndMixedWithEstimatesIsPriced() {
        Span reported = span("chat").attr("gen_ai.request.model", "gpt-4o")
                .attr("gen_ai.usage.input_tokens", 1_000_000L).attr("gen_ai.usage.cost_usd", 1.0).build();
        WorkflowRollup onlyReported = rollups.rollup(List.of(reported));
        assertThat(onlyReported.costUsd()).contains(1.0);
        assertThat(onlyReported.costStatus()).isEqualTo(CostStatus.REPORTED);

        Span estimated = span("chat").attr("gen_ai.request.model", "gpt-4o")
                .attr("gen_ai.usage.input_tokens", 1_000_000L).build();
        WorkflowRollup mixed = rollups.rollup(List.of(reported, estimated));
        assertThat(mixed.costUsd().orElseThrow()).isCloseTo(1.0 + 2.50, within(1e-9));
        assertThat(mixed.costStatus()).isEqualTo(CostStatus.PRICED);
    }

    @Test
    void aStreamedCallWithoutTokenCountsMakesTheCostPartialNeverZero() {
        // OpenInference on a streamed OpenAI call: model and messages, no token counts
        Span counted = span("ChatCompletion").attr("openinference.span.kind", "LLM")
                .attr("llm.model_name", "gpt-4o-mini-2024-07-18").attr("llm.provider", "openai")
                .attr("llm.token_count.prompt", 1_000_000L).attr("llm.token_count.completion", 100_000L).build();
        Span streamed = span("ChatCompletion").attr("openinference.span.kind", "LLM")
                .attr("llm.model_name", "gpt-4o-mini-2024-07-18").attr("llm.provider", "openai").build();

        WorkflowRollup both = rollups.rollup(List.of(counted, streamed));
        assertThat(both.llmCalls()).isEqualTo(2);
        assertThat(both.modelUsage()).singleElement().satisfies(u -> {
            assertThat(u.calls()).isEqualTo(2);
            assertThat(u.callsWithoutUsage()).isEqualTo(1);
        });
        assertThat(both.costStatus()).isEqualTo(CostStatus.PARTIAL);
        // the counted call only, at list price: 1M in x $0.15 + 100k out x $0.60
        assertThat(both.costUsd().orElseThrow()).isCloseTo(0.15 + 0.06, within(1e-9));

        WorkflowRollup alone = rollups.rollup(List.of(streamed));
        assertThat(alone.llmCalls()).isEqualTo(1);
        assertThat(alone.costUsd()).isEmpty();
        assertThat(alone.costStatus()).isEqualTo(CostStatus.NO_USAGE);
        assertThat(alone.reprice(PriceTable.bundled())).isEqualTo(alone);
    }

    @Test
    void everyCallIsACallOfItsModelSoLlmCallsAndModelUsageAgree() {
        Span root = span("agent").build();
        List<Span> spans = new ArrayList<>(List.of(root,
                span("chat").parent(root).attr("gen_ai.operation.name", "chat").build(),
                span("embeddings text-embedding-3-small").parent(root).attr("gen_ai.operation.name", "embeddings")
                        .attr("gen_ai.request.model", "text-embedding-3-small").attr("gen_ai.usage.input_tokens", 10L).build(),
                span("chat gpt-4o").parent(root).attr("gen_ai.request.model", "gpt-4o").error("429").build(),
                span("OpenAIPrimitive.execute").parent(root).build()));
        WorkflowRollup r = rollups.rollup(spans);
        assertThat(r.llmCalls()).isEqualTo(4);
        assertThat(r.modelUsage().stream().mapToInt(ModelUsage::calls).sum()).isEqualTo(r.llmCalls());
        // the refused gpt-4o call costs nothing; the two calls without counts leave the cost partial
        assertThat(r.modelUsage().stream().mapToInt(ModelUsage::callsWithoutUsage).sum()).isEqualTo(2);
        assertThat(r.costStatus()).isEqualTo(CostStatus.PARTIAL);
        assertThat(r.unpricedModels()).isEmpty();
        // the embedding call at $0.02 per 1M input tokens
        assertThat(r.costUsd().orElseThrow()).isCloseTo(10 * 0.02 / 1e6, within(1e-15));
        assertThat(r.modelUsage()).extracting(ModelUsage::displayName)
                .contains("openai/(unknown model)", "openai/gpt-4o", "openai/text-embedding-3-small");
    }

    @Test
    void unknownModelLeavesTheCostUnknownNotZero() {
        WorkflowRollup r = rollups.rollup(List.of(span("chat").attr("gen_ai.request.model", "acme-llm-7b")
                .attr("gen_ai.usage.input_tokens", 5000L).attr("gen_ai.usage.output_tokens", 100L).build()));
        assertThat(r.costUsd()).isEmpty();
        assertThat(r.costStatus()).isEqualTo(CostStatus.UNPRICED);
        assertThat(r.unpricedModels()).containsExactly("acme-llm-7b");
        assertThat(r.inputTokens()).isEqualTo(5000);
    }

    @Test
    void repricingWithANewTableRecomputesFromStoredUsage() {
        WorkflowRollup r = rollups.rollup(TtaWorkflowFixture.spans());
        PriceTable cheaper = PriceTable.bundled().merge(PriceTable.parse(
                "provider\tmodel\tinput_per_mtok\toutput_per_mtok\tcached_input_per_mtok\treasoning_per_mtok\tsource\tas_of\n"
                        + "anthropic\tclaude-3-5-sonnet\t1.00\t5.00\t0.10\t\ttest\t2026-01-01\n", "test"));
        WorkflowRollup repriced = r.reprice(cheaper);
        double sonnet = (6_000 * 1.00 + 2_000 * 0.10 + 1_500 * 5.00) / 1e6;
        assertThat(repriced.costUsd().orElseThrow()).isCloseTo(0.0345 + sonnet, within(1e-9));
        assertThat(repriced.inputTokens()).isEqualTo(r.inputTokens());
        assertThat(r.reprice(PriceTable.bundled())).isEqualTo(r);

        WorkflowRollup noPrices = r.reprice(PriceTable.empty());
        assertThat(noPrices.costStatus()).isEqualTo(CostStatus.UNPRICED);
        assertThat(noPrices.unpricedModels()).containsExactly("anthropic/claude-3-5-sonnet", "openai/gpt-4o-mini");
    }

    @Test
    void workflowIdsComeFromTheRootEvenWhenChildrenDisagree() {
        Span root = span("run").time(10, 20).attr("workflow.id", "root-id").build();
        Span child = span("step").parent(root).time(0, 5).attr("tta.workflow.id", "child-id")
                .attr("traceloop.workflow.name", "from-child").build();
        WorkflowRollup r = rollups.rollup(List.of(child, root));
        assertThat(r.workflowId()).contains("root-id");
        assertThat(r.workflowName()).contains("from-child");
        assertThat(r.sessionId()).isEmpty();
    }

    @Test
    void noSpansGiveTheEmptyRollup() {
        assertThat(rollups.rollup(List.of())).isEqualTo(WorkflowRollup.EMPTY);
        assertThat(WorkflowRollup.EMPTY.costUsd()).isEqualTo(Optional.empty());
    }
}
