package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TestSpans;

import java.util.ArrayList;
import java.util.List;

import static dev.tta.obs.domain.TestSpans.span;

/**
 * The "done when" workflow, as TTA.dev instruments it: a sequence with a cache miss (which
 * calls gpt-4o-mini) and a cache hit, a tool retried until attempt 3 succeeds (reported on the retry
 * span and on each attempt span), and a fallback from OpenAI (fails) to Anthropic (answers).
 */
final class TtaWorkflowFixture {
    private TtaWorkflowFixture() {
    }

    static List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        Span root = span("SequentialPrimitive.execute").time(0, 9_000_000_000L)
                .attr("primitive.type", "SequentialPrimitive").attr("primitive.name", "support_answer")
                .attr("workflow.id", "wf-42").attr("workflow.name", "support_answer")
                .attr("workflow.session_id", "session-7").service("tta-app").build();
        spans.add(root);

        Span miss = span("CachePrimitive.execute").parent(root).time(100, 2_000_000_000L)
                .attr("primitive.type", "CachePrimitive").attr("cache.hit", false).service("tta-app").build();
        spans.add(miss);
        spans.add(span("chat gpt-4o-mini").parent(miss).time(200, 1_900_000_000L)
                .attr("gen_ai.operation.name", "chat").attr("gen_ai.provider.name", "openai")
                .attr("gen_ai.request.model", "gpt-4o-mini")
                .attr("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
                .attr("gen_ai.usage.input_tokens", 120_000L)
                .attr("gen_ai.usage.cache_read.input_tokens", 20_000L)
                .attr("gen_ai.usage.output_tokens", 30_000L).service("tta-app").build());
        spans.add(span("CachePrimitive.execute").parent(root).time(2_100_000_000L, 2_100_500_000L)
                .attr("primitive.type", "CachePrimitive").attr("cache.hit", true).service("tta-app").build());

        Span retry = span("RetryPrimitive.execute").parent(root).time(2_200_000_000L, 5_000_000_000L)
                .attr("primitive.type", "RetryPrimitive").attr("retry.max_retries", 3L)
                .attr("retry.succeeded_on_attempt", 3L).attr("retry.success", true).service("tta-app").build();
        spans.add(retry);
        for (int i = 0; i < 3; i++) {
            TestSpans.Draft attempt = span("retry.attempt_" + i).parent(retry)
                    .time(2_300_000_000L + i * 900_000_000L, 3_000_000_000L + i * 900_000_000L)
                    .attr("retry.attempt", (long) i + 1).attr("retry.max_attempts", 4L)
                    .attr("retry.primitive_type", "ToolPrimitive")
                    .attr("retry.status", i < 2 ? "error" : "success").service("tta-app");
            if (i < 2) {
                attempt.error("503 from search backend");
            } else {
                attempt.attr("retry.succeeded_on_attempt", 3L);
            }
            Span a = attempt.build();
            spans.add(a);
            spans.add(span("execute_tool web_search").parent(a).time(2_310_000_000L + i * 900_000_000L,
                    2_990_000_000L + i * 900_000_000L).attr("gen_ai.operation.name", "execute_tool")
                    .service("tta-app").build());
        }

        Span fallback = span("FallbackPrimitive.execute").parent(root).time(5_100_000_000L, 8_900_000_000L)
                .attr("primitive.type", "FallbackPrimitive").attr("fallback.used_fallback", true)
                .attr("fallback.primary_type", "OpenAIPrimitive").attr("fallback.fallback_type", "AnthropicPrimitive")
                .service("tta-app").build();
        spans.add(fallback);
        spans.add(span("fallback.primary").parent(fallback).time(5_200_000_000L, 5_600_000_000L)
                .attr("primitive.type", "OpenAIPrimitive").attr("fallback.execution", "primary")
                .attr("gen_ai.request.model", "gpt-4o").error("429 Too Many Requests").service("tta-app").build());
        spans.add(span("fallback.fallback").parent(fallback).time(5_700_000_000L, 8_800_000_000L)
                .attr("primitive.type", "AnthropicPrimitive").attr("fallback.execution", "fallback")
                .attr("fallback.used_fallback", true).attr("fallback.primary_error", "429 Too Many Requests")
                .attr("gen_ai.provider.name", "anthropic")
                .attr("gen_ai.request.model", "claude-3-5-sonnet-20241022")
                .attr("gen_ai.usage.input_tokens", 8_000L)
                .attr("gen_ai.usage.cache_read.input_tokens", 2_000L)
                .attr("gen_ai.usage.output_tokens", 1_500L).service("tta-app").build());
        return spans;
    }
}
