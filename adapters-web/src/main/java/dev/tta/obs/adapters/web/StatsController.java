package dev.tta.obs.adapters.web;

import dev.tta.obs.ports.in.QueryBudget;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.QueryWorkflowStats;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Numbers and names: the status bar, the filter pickers, the primitive and LLM views, settings. */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public class StatsController {
    private final QueryTraces query;
    private final QueryWorkflowStats workflow;
    private final ServiceInfo info;
    private final ServiceSettings settings;
    private final QueryBudget budget;

    public StatsController(QueryTraces query, QueryWorkflowStats workflow, ServiceInfo info, ServiceSettings settings,
                           QueryBudget budget) {
        this.query = query;
        this.budget = budget;
        this.workflow = workflow;
        this.info = info;
        this.settings = settings;
    }

    @Operation(summary = "Status-bar numbers over all stored traces; cheap enough to poll every second")
    @Get(uri = "/stats", produces = "application/json")
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>(TraceJson.stats(query.stats()));
        // null when no budget is set
        m.put("budget", budget.budget().map(TraceJson::budget).orElse(null));
        return m;
    }

    @Operation(summary = "Every service that sent a span")
    @Get(uri = "/services", produces = "application/json")
    public Map<String, Object> services() {
        return Map.of("services", query.services());
    }

    @Operation(summary = "Span names, of one service or of all")
    @Get(uri = "/operations", produces = "application/json")
    public Map<String, Object> operations(@Nullable @QueryValue String service) {
        return Map.of("operations", query.operations(Optional.ofNullable(service).filter(s -> !s.isBlank())));
    }

    @Operation(summary = "Per primitive type: calls, errors, latency percentiles, cache hit rate, retries, fallback rate")
    @Get(uri = "/primitives", produces = "application/json")
    public Map<String, Object> primitives(@Nullable @QueryValue Long since) {
        List<Object> rows = new ArrayList<>();
        for (QueryWorkflowStats.PrimitiveStats p : workflow.primitives(Optional.ofNullable(since))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", p.type());
            m.put("calls", p.calls());
            m.put("errors", p.errors());
            m.put("p50Ms", p.p50Ms());
            m.put("p95Ms", p.p95Ms());
            m.put("p99Ms", p.p99Ms());
            m.put("cacheHitRate", p.cacheHitRate().orElse(null));
            m.put("retryAttempts", p.retryAttempts());
            m.put("fallbackRate", p.fallbackRate().orElse(null));
            rows.add(m);
        }
        return Map.of("primitives", rows);
    }

    @Operation(summary = "LLM tokens and cost grouped by model, provider, day or workflow")
    @Get(uri = "/llm/usage", produces = "application/json")
    public MutableHttpResponse<?> llmUsage(@Nullable @QueryValue String groupBy, @Nullable @QueryValue Long since) {
        QueryWorkflowStats.LlmUsageGrouping grouping;
        try {
            grouping = QueryWorkflowStats.LlmUsageGrouping.valueOf(
                    (groupBy == null || groupBy.isBlank() ? "model" : groupBy.trim()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid groupBy",
                    "groupBy must be one of model, provider, day, workflow, got '" + groupBy + "'");
        }
        List<Object> rows = new ArrayList<>();
        for (QueryWorkflowStats.LlmUsage u : workflow.llmUsage(grouping, Optional.ofNullable(since))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", u.key());
            m.put("calls", u.calls());
            m.put("inputTokens", u.inputTokens());
            m.put("outputTokens", u.outputTokens());
            m.put("costUsd", u.costUsd().orElse(null));
            rows.add(m);
        }
        return HttpResponse.ok(Map.of("rows", rows));
    }

    @Operation(summary = "Version, storage, retention, ports, evictions, price table date")
    @Get(uri = "/settings", produces = "application/json")
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", info.version());
        m.put("storage", info.storage());
        Map<String, Object> retention = new LinkedHashMap<>();
        retention.put("maxTraces", settings.maxTraces().orElse(null));
        retention.put("maxAge", settings.maxAge().orElse(null));
        m.put("retention", retention);
        m.put("ports", settings.ports());
        m.put("evictedTraces", settings.evictedTraces().getAsLong());
        m.put("priceTableDate", settings.priceTableDate().orElse(null));
        m.put("authTokenRequired", settings.authTokenRequired());
        return m;
    }
}
