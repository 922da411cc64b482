package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

class SpanClassifierTest {

    @ParameterizedTest
    @CsvSource({
        "primitive.type, SequentialPrimitive, SEQUENTIAL",
        "tta.primitive.type, ParallelPrimitive, PARALLEL",
        "step.primitive_type, ConditionalPrimitive, CONDITIONAL",
        "branch.primitive_type, RouterPrimitive, ROUTER",
        "route.primitive_type, CachePrimitive, CACHE",
        "primitive.type, AdaptiveCachePrimitive, CACHE",
        "primitive.type, RetryPrimitive, RETRY",
        "primitive.type, AdaptiveRetryPrimitive, RETRY",
        "primitive.type, FallbackPrimitive, FALLBACK",
        "primitive.type, AdaptiveFallbackPrimitive, FALLBACK",
        "primitive.type, TimeoutPrimitive, TIMEOUT",
        "primitive.type, AdaptiveTimeoutPrimitive, TIMEOUT",
        "primitive.type, CircuitBreakerPrimitive, CIRCUIT_BREAKER",
        "primitive.type, SagaPrimitive, SAGA",
        "primitive.type, CompensationPrimitive, SAGA",
        "primitive.type, DelegationPrimitive, AGENT",
        "primitive.type, AgentPrimitive, AGENT",
        "primitive.type, OpenAIPrimitive, LLM",
        "primitive.type, AnthropicPrimitive, LLM",
        "primitive.type, LiteLLMPrimitive, LLM",
        "primitive.type, OllamaPrimitive, LLM",
        "primitive.type, GroqPrimitive, LLM",
        "primitive.type, OpenRouterPrimitive, LLM",
        "primitive.type, LambdaPrimitive, OTHER",
        "openinference.span.kind, LLM, LLM",
        "openinference.span.kind, CHAIN, WORKFLOW",
        "openinference.span.kind, TOOL, TOOL",
        "openinference.span.kind, RETRIEVER, RETRIEVER",
        "openinference.span.kind, EMBEDDING, EMBEDDING",
        "openinference.span.kind, AGENT, AGENT",
        "openinference.span.kind, RERANKER, RETRIEVER",
        "openinference.span.kind, GUARDRAIL, OTHER",
        "traceloop.span.kind, workflow, WORKFLOW",
        "traceloop.span.kind, agent, AGENT",
        "traceloop.span.kind, tool, TOOL",
        "gen_ai.operation.name, chat, LLM",
        "gen_ai.operation.name, text_completion, LLM",
        "gen_ai.operation.name, generate_content, LLM",
        "gen_ai.operation.name, embeddings, EMBEDDING",
        "gen_ai.operation.name, execute_tool, TOOL",
        "gen_ai.operation.name, invoke_agent, AGENT",
        "langfuse.observation.type, generation, LLM",
    })
    void classifiesByEveryKindAttribute(String key, String value, PrimitiveKind expected) {
        assertThat(SpanClassifier.classify(span("anything").attr(key, value).build()).kind()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "RetryPrimitive.execute, RETRY",
        "CachePrimitive.execute, CACHE",
        "CircuitBreakerPrimitive.execute, CIRCUIT_BREAKER",
        "sequential.step_0, SEQUENTIAL",
        "parallel.branch_1, PARALLEL",
        "conditional.branch_then, CONDITIONAL",
        "switch.premium, ROUTER",
        "retry.attempt_2, RETRY",
        "fallback.primary, FALLBACK",
        "saga.compensation, SAGA",
        "chat gpt-4o, LLM",
        "execute_tool get_weather, TOOL",
        "invoke_agent planner, AGENT",
        "GET /health, OTHER",
    })
    void classifiesBySpanNameWhenAttributesSayNothing(String name, PrimitiveKind expected) {
        assertThat(SpanClassifier.classify(span(name).build()).kind()).isEqualTo(expected);
    }

    @Test
    void explicitPrimitiveTypeWinsOverTheSpanName() {
        Span s = span("primitive.answer").attr("primitive.type", "AnthropicPrimitive").build();
        assertThat(SpanClassifier.classify(s).kind()).isEqualTo(PrimitiveKind.LLM);
    }

    @Test
    void cacheHitAndMissAreReported() {
        SpanInsight hit = SpanClassifier.classify(span("CachePrimitive.execute").attr("cache.hit", true).build());
        SpanInsight miss = SpanClassifier.classify(span("lookup").attr("cache.hit", "false").build());
        assertThat(hit.cacheHit()).contains(true);
        assertThat(hit.badges()).contains("cache hit");
        assertThat(miss.cacheHit()).contains(false);
        assertThat(miss.kind()).isEqualTo(PrimitiveKind.CACHE);
        assertThat(miss.badges()).contains("cache miss");
    }

    @Test
    void retryReportsAttemptOfMaxAndFinalSuccess() {
        SpanInsight r = SpanClassifier.classify(span("RetryPrimitive.execute")
                .attr("primitive.type", "RetryPrimitive")
                .attr("retry.max_retries", 3L)
                .attr("retry.succeeded_on_attempt", 3L).build());
        SpanInsight.RetryFacts f = r.retry().orElseThrow();
        assertThat(f.finalAttempts()).contains(3);
        assertThat(f.maxAttempts()).contains(4);
        assertThat(f.succeeded()).contains(true);
        assertThat(r.badges()).contains("attempt 3 of 4", "retry succeeded");
    }

    @Test
    void exhaustedRetryIsReportedAsFailed() {
        SpanInsight r = SpanClassifier.classify(span("retry.operation")
                .attr("retry.current_attempt", 3L).attr("retry.max_attempts", 3L)
                .attr("retry.exhausted", true).error("boom").build());
        assertThat(r.retry().orElseThrow().succeeded()).contains(false);
        assertThat(r.badges()).contains("attempt 3 of 3", "retries exhausted", "error");
    }

    @Test
    void fallbackReportsFromWhatToWhat() {
        SpanInsight f = SpanClassifier.classify(span("FallbackPrimitive.execute")
                .attr("primitive.type", "FallbackPrimitive")
                .attr("fallback.used_fallback", true)
                .attr("fallback.primary_type", "OpenAIPrimitive")
                .attr("fallback.fallback_type", "AnthropicPrimitive")
                .attr("fallback.primary_error", "429 rate limited").build());
        SpanInsight.FallbackFacts facts = f.fallback().orElseThrow();
        assertThat(facts.used()).isTrue();
        assertThat(facts.from()).contains("OpenAIPrimitive");
        assertThat(facts.to()).contains("AnthropicPrimitive");
        assertThat(facts.primaryError()).contains("429 rate limited");
        assertThat(f.badges()).contains("fallback OpenAIPrimitive → AnthropicPrimitive");
    }

    @Test
    void ttaFallbackSpanNamedFallbackMeansTheFallbackRan() {
        SpanInsight f = SpanClassifier.classify(span("fallback.fallback").attr("fallback.execution", "fallback").build());
        assertThat(f.fallback().orElseThrow().used()).isTrue();
        SpanInsight p = SpanClassifier.classify(span("fallback.primary").attr("fallback.execution", "primary").build());
        assertThat(p.fallback().orElseThrow().used()).isFalse();
    }

    @Test
    void timeoutFiredFromAttributeOrFromATimeoutException() {
        SpanInsight byAttribute = SpanClassifier.classify(span("TimeoutPrimitive.execute")
                .attr("timeout.timed_out", true).attr("timeout.seconds", 30.0).build());
        assertThat(byAttribute.timeout().orElseThrow().fired()).isTrue();
        assertThat(byAttribute.timeout().orElseThrow().limitSeconds()).contains(30.0);

        SpanInsight byException = SpanClassifier.classify(span("TimeoutPrimitive.execute")
                .error("").event("exception", Attributes.builder().put("exception.type", "asyncio.TimeoutError").build())
                .build());
        assertThat(byException.timeout().orElseThrow().fired()).isTrue();
        assertThat(byException.badges()).contains("timed out");

        SpanInsight ok = SpanClassifier.classify(span("TimeoutPrimitive.execute").build());
        assertThat(ok.timeout().orElseThrow().fired()).isFalse();
    }

    @Test
    void circuitStateIsNormalised() {
        SpanInsight c = SpanClassifier.classify(span("CircuitBreakerPrimitive.execute")
                .attr("circuit_breaker.state", "CircuitState.HALF_OPEN").build());
        assertThat(c.circuitState()).contains("half_open");
        assertThat(c.badges()).contains("circuit half_open");
    }

    @Test
    void routeTakenAndDefaultRoute() {
        SpanInsight r = SpanClassifier.classify(span("RouterPrimitive.execute")
                .attr("route.key", "fast").attr("route.used_default", true)
                .attr("route.available_routes", "fast,quality").build());
        assertThat(r.route().orElseThrow().taken()).contains("fast");
        assertThat(r.badges()).contains("route fast", "default route");
        SpanInsight cond = SpanClassifier.classify(span("conditional.branch_else")
                .attr("branch.name", "else").attr("branch.condition_result", false).build());
        assertThat(cond.route().orElseThrow().taken()).contains("else");
    }

    @Test
    void sagaCompensation() {
        SpanInsight s = SpanClassifier.classify(span("SagaPrimitive.execute")
                .attr("saga.compensation_triggered", true).build());
        assertThat(s.compensated()).contains(true);
        assertThat(s.badges()).contains("saga", "compensated");
    }

    @Test
    void primitiveErrorStatusCountsAsFailure() {
        SpanInsight s = SpanClassifier.classify(span("primitive.x").attr("primitive.type", "LambdaPrimitive")
                .attr("primitive.status", "error").attr("primitive.name", "x").build());
        assertThat(s.failed()).isTrue();
        assertThat(s.primitiveName()).contains("x");
        assertThat(s.badges()).containsExactly("error");
    }

    /**
     * {@code classify} skips its lookups for spans with no key in {@link SpanClassifier#READ_NAMESPACES}:
     * a key it reads outside them would be missed for such spans, so every key it names must be in one.
     */
    @Test
    void everyAttributeTheClassifierReads_isInOneOfItsNamespaces() throws Exception {
        String source = java.nio.file.Files.readString(
                java.nio.file.Path.of("src/main/java/dev/tta/obs/domain/workflow/SpanClassifier.java"));
        java.util.regex.Matcher lookup = java.util.regex.Pattern.compile(
                "(?:string|integer)\\(a, \"([^\"]+)\"\\)|\\ba\\.get\\w*\\(\"([^\"]+)\"\\)").matcher(source);
        java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of(SpanClassifier.PRIMITIVE_TYPE_KEYS));
        while (lookup.find()) {
            keys.add(lookup.group(1) != null ? lookup.group(1) : lookup.group(2));
        }
        assertThat(keys).hasSizeGreaterThan(50).contains("retry.attempt", "cache_hit", "gen_ai.request.model",
                "circuit.state", "primitive.error");
        for (String key : keys) {
            assertThat(SpanClassifier.READ_NAMESPACES.contains(key))
                    .as("%s is in a namespace the classifier reads", key).isTrue();
        }
    }

    @Test
    void aSpanWithOnlyUnrelatedAttributes_isClassifiedByItsName_asWithoutThem() {
        Attributes unrelated = Attributes.builder().put("attr.0", "value").put("http.method", "GET")
                .put("retry", "not a namespace").put("cash.register", 1L).build();
        assertThat(SpanClassifier.readsAny(unrelated)).isFalse();
        for (String name : new String[] {"retry.attempt_2", "RetryPrimitive.execute", "chat gpt-4o", "step-3",
            "saga.compensation", "fallback.fallback", "ai.generateText.doGenerate", "timeout.wait", "Ärger.x"}) {
            Span with = span(name).attr("attr.0", "value").attr("http.method", "GET")
                    .attr("retry", "not a namespace").attr("cash.register", 1L).error("timed out").build();
            assertThat(SpanClassifier.classify(with)).as(name)
                    .isEqualTo(SpanClassifier.classify(with, with.attributes()))
                    .isEqualTo(SpanClassifier.classify(span(name).error("timed out").build()));
            Span ok = span(name).attr("attr.1", 7L).build();
            assertThat(SpanClassifier.classify(ok)).as(name).isEqualTo(SpanClassifier.classify(ok, ok.attributes()));
        }
        assertThat(SpanClassifier.classify(span("timeout.wait").attr("attr.0", "v").error("timed out").build())
                .timeout()).hasValueSatisfying(t -> assertThat(t.fired()).isTrue());
        assertThat(SpanClassifier.readsAny(Attributes.builder().put("attr.0", "v").put("cache_hit", true).build()))
                .isTrue();
    }
}
