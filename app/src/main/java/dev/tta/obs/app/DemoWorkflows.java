package dev.tta.obs.app;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Realistic TTA.dev-style workflow runs, sent through the real OpenTelemetry Java SDK over OTLP/HTTP.
 * Used by {@code tta-obs demo} and by the browser tests, so what a newcomer sees is what the tests check.
 * Timestamps are explicit: a run "took" seconds but is generated in microseconds.
 */
public final class DemoWorkflows implements AutoCloseable {
    /** Shown literally by the dashboard; if it ever runs, the page is unsafe. */
    public static final String XSS_PAYLOAD = "<img src=x onerror=alert(1)>";

    private static final String SYSTEM_PROMPT = "You are a research assistant for TTA.dev. Answer briefly and cite docs.";

    private final AtomicBoolean exportFailed = new AtomicBoolean();
    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final Tracer bigTracer;
    private long clock;

    public DemoWorkflows(String otlpTracesUrl) {
        SpanExporter exporter = new FailureRecordingExporter(OtlpHttpSpanExporter.builder()
                .setEndpoint(otlpTracesUrl).setTimeout(Duration.ofSeconds(30)).build(), exportFailed);
        provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "research-agent",
                        AttributeKey.stringKey("service.version"), "0.3.1",
                        AttributeKey.stringKey("deployment.environment"), "dev"))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setMaxQueueSize(32_768).setMaxExportBatchSize(4_096)
                        .setScheduleDelay(Duration.ofMillis(50)).build())
                .build();
        tracer = provider.get("tta.dev.primitives", "0.9.0");
        bigTracer = provider.get("tta.dev.batch", "0.9.0");
        clock = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.MINUTES.toNanos(5);
    }

    /** A question answered by an LLM, with a cache in front; the second ask of the same question hits. */
    public String researchRun(String question, boolean cacheHit) {
        return researchRun(question, cacheHit, 910);
    }

    /** The same, with the LLM call taking {@code llmMillis}: a slow provider makes a slow run. */
    public String researchRun(String question, boolean cacheHit, long llmMillis) {
        long t = next();
        Span root = start("workflow.run", null, t, SpanKind.SERVER)
                .setAttribute("workflow.name", "research").setAttribute("workflow.id", "wf-" + Long.toHexString(t & 0xffffff))
                .setAttribute("primitive.type", "SequentialPrimitive").setAttribute("input.value", question);
        Span cache = start("CachePrimitive.execute", root, t + ms(1), SpanKind.INTERNAL)
                .setAttribute("primitive.type", "CachePrimitive").setAttribute("primitive.name", "answer-cache")
                .setAttribute("cache.hit", cacheHit);
        long end;
        if (cacheHit) {
            end = t + ms(4);
            cache.end(end, TimeUnit.NANOSECONDS);
        } else {
            long at = t + ms(2);
            Span retrieve = start("retriever.search_docs", cache, at, SpanKind.CLIENT)
                    .setAttribute("openinference.span.kind", "RETRIEVER").setAttribute("primitive.type", "LambdaPrimitive")
                    .setAttribute("retrieval.documents.count", 4);
            retrieve.end(at + ms(38), TimeUnit.NANOSECONDS);
            at += ms(40);
            long llmEnd = llmCall(cache, at, "openai", "gpt-4o-mini", question, "TTA.dev primitives compose with >> and |.", 812, 164, 0.000221, ms(llmMillis));
            end = llmEnd + ms(2);
            cache.end(end, TimeUnit.NANOSECONDS);
        }
        root.setAttribute("output.value", "TTA.dev primitives compose with >> and |.");
        root.end(end + ms(1), TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /** OpenAI times out twice under a retry, then the fallback answers with Anthropic. */
    public String fallbackRun() {
        long t = next();
        Span root = start("workflow.run", null, t, SpanKind.SERVER)
                .setAttribute("workflow.name", "summarise").setAttribute("primitive.type", "SequentialPrimitive");
        Span fallback = start("FallbackPrimitive.execute", root, t + ms(1), SpanKind.INTERNAL)
                .setAttribute("primitive.type", "FallbackPrimitive").setAttribute("fallback.used_fallback", true)
                .setAttribute("fallback.primary_type", "OpenAIPrimitive").setAttribute("fallback.fallback_type", "AnthropicPrimitive")
                .setAttribute("fallback.primary_error", "TimeoutError: request took longer than 2000 ms");
        Span retry = start("RetryPrimitive.execute", fallback, t + ms(2), SpanKind.INTERNAL)
                .setAttribute("primitive.type", "RetryPrimitive").setAttribute("retry.max_attempts", 2)
                .setAttribute("retry.final_attempts", 2).setAttribute("retry.success", false);
        long at = t + ms(3);
        for (int attempt = 1; attempt <= 2; attempt++) {
            Span timeout = start("TimeoutPrimitive.execute", retry, at, SpanKind.INTERNAL)
                    .setAttribute("primitive.type", "TimeoutPrimitive").setAttribute("timeout.seconds", 2.0)
                    .setAttribute("timeout.fired", true).setAttribute("retry.attempt", attempt);
            Span call = start("chat gpt-4o", timeout, at + ms(1), SpanKind.CLIENT)
                    .setAttribute("primitive.type", "OpenAIPrimitive").setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", "gpt-4o");
            call.setStatus(StatusCode.ERROR, "request timed out");
            call.end(at + ms(2000), TimeUnit.NANOSECONDS);
            timeout.recordException(new java.util.concurrent.TimeoutException("OpenAIPrimitive exceeded 2000 ms"),
                    Attributes.empty());
            timeout.setStatus(StatusCode.ERROR, "timed out after 2000 ms");
            timeout.end(at + ms(2001), TimeUnit.NANOSECONDS);
            at += ms(2001) + ms(100 * attempt);
        }
        retry.setStatus(StatusCode.ERROR, "all 2 attempts failed");
        retry.end(at, TimeUnit.NANOSECONDS);
        long end = llmCall(fallback, at + ms(1), "anthropic", "claude-3-5-haiku", "Summarise the incident report in two lines.",
                "Checkout failed for 3% of users after the cache TTL change. Reverting fixed it.", 1430, 58, null, ms(1240));
        fallback.end(end + ms(1), TimeUnit.NANOSECONDS);
        root.end(end + ms(2), TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /**
     * A streamed call whose library sent no token counts, under a dated model name, with an event
     * stamped before the span started (the client's clock is behind the span's): usage unknown,
     * never $0, and a negative offset.
     */
    public String unreportedUsageRun() {
        long t = next();
        Span root = start("workflow.run", null, t, SpanKind.SERVER).setAttribute("workflow.name", "stream-answer");
        Span llm = start("chat claude-3-5-sonnet", root, t + ms(1), SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "anthropic")
                .setAttribute("gen_ai.request.model", "claude-3-5-sonnet-20241022")
                .setAttribute("gen_ai.response.model", "claude-3-5-sonnet-20241022");
        llm.addEvent("stream.first_token_requested", Attributes.empty(), t + ms(1) - TimeUnit.MICROSECONDS.toNanos(429_674),
                TimeUnit.NANOSECONDS);
        llm.addEvent("stream.first_token", Attributes.empty(), t + ms(2), TimeUnit.NANOSECONDS);
        llm.end(t + ms(900), TimeUnit.NANOSECONDS);
        root.end(t + ms(901), TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /** A tool call that throws: the error carries a stack trace, and one attribute holds an HTML payload. */
    public String failingToolRun() {
        long t = next();
        Span root = start("workflow.run", null, t, SpanKind.SERVER)
                .setAttribute("workflow.name", "ticket-triage").setAttribute("primitive.type", "SequentialPrimitive")
                .setAttribute("user.comment", XSS_PAYLOAD);
        long at = llmCall(root, t + ms(1), "openai", "gpt-4o-mini", "Triage ticket #4411: " + XSS_PAYLOAD,
                "Calling lookup_customer.", 402, 31, 0.0000789, ms(620));
        Span tool = start("tool.lookup_customer", root, at + ms(1), SpanKind.INTERNAL)
                .setAttribute("openinference.span.kind", "TOOL").setAttribute("primitive.type", "LambdaPrimitive")
                .setAttribute("tool.name", "lookup_customer").setAttribute("tool.parameters", "{\"customer_id\":\"c-991\"}");
        tool.recordException(new IllegalStateException("customer c-991 not found in CRM (HTTP 404)"), Attributes.empty());
        tool.setStatus(StatusCode.ERROR, "customer c-991 not found in CRM (HTTP 404)");
        tool.end(at + ms(84), TimeUnit.NANOSECONDS);
        root.setStatus(StatusCode.ERROR, "tool lookup_customer failed");
        root.end(at + ms(86), TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /** A batch workflow with {@code spanCount} spans in a realistic tree (parallel branches of steps). */
    public String bigRun(int spanCount) {
        long t = next();
        Span root = bigTracer.spanBuilder("batch.embed_corpus").setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(t, TimeUnit.NANOSECONDS).startSpan()
                .setAttribute("workflow.name", "embed-corpus").setAttribute("primitive.type", "ParallelPrimitive");
        int made = 1;
        long at = t;
        int branch = 0;
        while (made < spanCount) {
            Span b = bigTracer.spanBuilder("branch " + branch).setParent(Context.root().with(root))
                    .setStartTimestamp(at, TimeUnit.NANOSECONDS).startSpan()
                    .setAttribute("branch.index", branch).setAttribute("primitive.type", "SequentialPrimitive");
            made++;
            long stepAt = at;
            for (int step = 0; step < 49 && made < spanCount; step++) {
                Span s = bigTracer.spanBuilder("embed chunk " + (branch * 49 + step)).setParent(Context.root().with(b))
                        .setStartTimestamp(stepAt, TimeUnit.NANOSECONDS).startSpan()
                        .setAttribute("step.index", step).setAttribute("chunk.bytes", 2048 + (step * 37) % 900);
                stepAt += us(200 + (step * 53) % 400);
                s.end(stepAt, TimeUnit.NANOSECONDS);
                made++;
            }
            b.end(stepAt, TimeUnit.NANOSECONDS);
            at += ms(3);
            branch++;
        }
        root.end(at + ms(20), TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /**
     * One turn of a support conversation: the agent looks the order up with a tool, then answers
     * with an LLM call; the root carries the session and the user, so the turns of one session id
     * read back as one conversation.
     */
    public String supportTurn(String sessionId, String userId, String question, String answer) {
        long t = next();
        Span root = start("support_agent", null, t, SpanKind.SERVER)
                .setAttribute("session.id", sessionId).setAttribute("user.id", userId)
                .setAttribute("workflow.name", "support");
        Span tool = start("tool.lookup_order", root, t + ms(1), SpanKind.INTERNAL)
                .setAttribute("openinference.span.kind", "TOOL").setAttribute("tool.name", "lookup_order");
        tool.end(t + ms(41), TimeUnit.NANOSECONDS);
        long end = llmCall(root, t + ms(42), "openai", "gpt-4o-mini", question, answer, 640, 48, 0.0000982, ms(700));
        root.end(end + ms(1), TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /** The demo set: every kind of run once or twice. */
    public void sendTour(boolean includeBig) {
        researchRun("How do TTA.dev primitives compose?", false);
        researchRun("How do TTA.dev primitives compose?", true);
        fallbackRun();
        failingToolRun();
        researchRun("What does AdaptiveRetryPrimitive learn?", false);
        if (includeBig) {
            bigRun(10_000);
        }
    }

    /** Blocks until every span ended so far is acknowledged by tta-obs; false if an export failed. */
    public boolean flush() {
        return provider.forceFlush().join(60, TimeUnit.SECONDS).isSuccess() && !exportFailed.get();
    }

    /** The batch processor's flush succeeds even when its exports fail: remember failures here instead. */
    private record FailureRecordingExporter(SpanExporter delegate, AtomicBoolean failed) implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            CompletableResultCode result = delegate.export(spans);
            result.whenComplete(() -> {
                if (!result.isSuccess()) {
                    failed.set(true);
                }
            });
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }

    @Override
    public void close() {
        provider.shutdown().join(60, TimeUnit.SECONDS);
    }

    private long llmCall(Span parent, long at, String provider, String model, String prompt, String answer,
                         long inTokens, long outTokens, Double costUsd, long took) {
        String primitive = provider.equals("openai") ? "OpenAIPrimitive" : "AnthropicPrimitive";
        Span llm = start("chat " + model, parent, at, SpanKind.CLIENT)
                .setAttribute("primitive.type", primitive).setAttribute("openinference.span.kind", "LLM")
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", provider)
                .setAttribute("gen_ai.request.model", model).setAttribute("gen_ai.response.model", model)
                .setAttribute("gen_ai.usage.input_tokens", inTokens).setAttribute("gen_ai.usage.output_tokens", outTokens)
                .setAttribute("gen_ai.input.messages", "[" + message("system", SYSTEM_PROMPT) + "," + message("user", prompt) + "]")
                .setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
                        + json(answer) + "},{\"type\":\"tool_call\",\"id\":\"call_1\",\"name\":\"search_docs\","
                        + "\"arguments\":{\"query\":\"primitives\"}}],\"finish_reason\":\"stop\"}]");
        if (costUsd != null) {
            llm.setAttribute("gen_ai.usage.cost_usd", costUsd);
        }
        llm.end(at + took, TimeUnit.NANOSECONDS);
        return at + took;
    }

    private Span start(String name, Span parent, long at, SpanKind kind) {
        Context ctx = parent == null ? Context.root() : Context.root().with(parent);
        return tracer.spanBuilder(name).setParent(ctx).setSpanKind(kind).setStartTimestamp(at, TimeUnit.NANOSECONDS).startSpan();
    }

    private long next() {
        clock += TimeUnit.SECONDS.toNanos(7);
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        clock = Math.min(clock, now - TimeUnit.SECONDS.toNanos(10));
        return clock;
    }

    private static String message(String role, String text) {
        return "{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":" + json(text) + "}]}";
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    private static long ms(long v) {
        return TimeUnit.MILLISECONDS.toNanos(v);
    }

    private static long us(long v) {
        return TimeUnit.MICROSECONDS.toNanos(v);
    }
}
