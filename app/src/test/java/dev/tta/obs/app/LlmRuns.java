package dev.tta.obs.app;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Agent runs sent with the OTel Java SDK over OTLP/HTTP: a root span of the workflow and one
 * gpt-4o-mini call inside it, whose tokens price the run (with the bundled price table).
 */
public final class LlmRuns implements AutoCloseable {
    private final SdkTracerProvider provider;
    private final Tracer tracer;

    public LlmRuns(String tracesEndpoint) {
        provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "agent")))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(tracesEndpoint).build()).build())
                .build();
        tracer = provider.get("tta-obs-tests");
    }

    /** @return the run's trace id */
    public String run(String workflow, Instant start, long durationMs, long inputTokens, long outputTokens, boolean fail) {
        long t0 = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        long end = t0 + durationMs * 1_000_000L;
        Span root = tracer.spanBuilder(workflow + ".run").setNoParent().setAttribute("workflow.name", workflow)
                .setStartTimestamp(t0, TimeUnit.NANOSECONDS).startSpan();
        Span llm = tracer.spanBuilder("chat gpt-4o-mini").setParent(Context.root().with(root))
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
                .setAttribute("gen_ai.request.model", "gpt-4o-mini")
                .setAttribute("gen_ai.usage.input_tokens", inputTokens)
                .setAttribute("gen_ai.usage.output_tokens", outputTokens)
                .setStartTimestamp(t0 + 1_000_000L, TimeUnit.NANOSECONDS).startSpan();
        llm.end(end - 1_000_000L, TimeUnit.NANOSECONDS);
        if (fail) {
            root.setStatus(StatusCode.ERROR, "tool failed");
        }
        root.end(end, TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    /** Sends what was ended; true once the server acknowledged it. */
    public boolean flush() {
        return provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess();
    }

    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
