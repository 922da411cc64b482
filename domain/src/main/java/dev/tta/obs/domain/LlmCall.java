package dev.tta.obs.domain;

import dev.tta.obs.domain.cost.CostStatus;

import java.util.Objects;
import java.util.Optional;

/**
 * One LLM (or embedding) call of a trace, as the LLM calls list shows it: the same calls the
 * trace's rollup counts (innermost call spans only, so a wrapper around an instrumented client is
 * one call), priced alone with the table in force when the trace was stored.
 *
 * @param model         the model name as the call reported it, or its family when only that is
 *                      known; "" when the call names no model
 * @param modelFamily   the canonical family ({@code gpt-4o-mini} for {@code gpt-4o-mini-2024-07-18}); ""
 *                      when unknown
 * @param provider      canonical provider, "" when nothing says or implies it
 * @param totalTokens   input + output + tokens reported only as a total
 * @param costUsd       empty when the call's cost is unknown (see {@code costStatus}), never a made-up $0
 * @param workflowName  the trace's workflow name, or its root span's name when it reports none
 * @param serviceName   the service of the call's span
 * @param failed        the call's span ended in error
 */
public record LlmCall(
        TraceId traceId,
        SpanId spanId,
        String model,
        String modelFamily,
        String provider,
        long inputTokens,
        long cachedInputTokens,
        long outputTokens,
        long reasoningTokens,
        long totalTokens,
        Optional<Double> costUsd,
        CostStatus costStatus,
        long startTimeUnixNano,
        long durationNanos,
        String workflowName,
        String serviceName,
        boolean failed) {

    public LlmCall {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelFamily, "modelFamily");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(costStatus, "costStatus");
        Objects.requireNonNull(workflowName, "workflowName");
        Objects.requireNonNull(serviceName, "serviceName");
    }

    public double durationMs() {
        return durationNanos / 1_000_000.0;
    }
}
