package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.LlmCall;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.query.LlmCallCursor;
import dev.tta.obs.domain.query.LlmCallPage;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallSort;
import dev.tta.obs.domain.query.LlmCallTotals;
import dev.tta.obs.ports.in.QueryTraces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every LLM call across stored traces, from the store's rows per call. JDBC runs here, so off the event loop. */
@Controller("/api/llm-calls")
@ExecuteOn(TaskExecutors.BLOCKING)
public class LlmCallController {
    private final QueryTraces query;

    public LlmCallController(QueryTraces query) {
        this.query = query;
    }

    @Operation(summary = "LLM calls across stored traces",
            description = "Filters are optional and all must hold; sort=cost|tokens|duration|time, order=desc|asc;"
                    + " pass nextCursor back as cursor for the next page. See docs/api.md.")
    @Get(produces = "application/json")
    public MutableHttpResponse<?> list(
            @Nullable @QueryValue @Parameter(description = "a model family (every snapshot) or an exact model name") String model,
            @Nullable @QueryValue @Parameter(description = "provider, e.g. openai, anthropic") String provider,
            @Nullable @QueryValue @Parameter(description = "the trace's workflow name (root span name when none), exact") String workflow,
            @Nullable @QueryValue @Parameter(description = "the service of the call's span, exact") String service,
            @Nullable @QueryValue @Parameter(description = "calls that started at or after, unix ns") Long start,
            @Nullable @QueryValue @Parameter(description = "calls that started at or before, unix ns") Long end,
            @Nullable @QueryValue @Parameter(description = "ok or error") String status,
            @Nullable @QueryValue @Parameter(description = "only this trace's calls") String traceId,
            @Nullable @QueryValue @Parameter(description = "cost, tokens, duration or time (default)") String sort,
            @Nullable @QueryValue @Parameter(description = "desc (default) or asc") String order,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String cursor) {
        LlmCallSearch search;
        try {
            search = search(model, provider, workflow, service, start, end, status, traceId, sort, order, limit, cursor);
        } catch (BadParameter e) {
            return e.problem();
        }
        LlmCallPage page = query.llmCalls(search);
        List<Object> calls = new ArrayList<>(page.calls().size());
        for (LlmCall c : page.calls()) {
            calls.add(json(c));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("calls", calls);
        body.put("nextCursor", page.nextCursor().map(cur -> cur.encode(search.sort())).orElse(null));
        return HttpResponse.ok(body);
    }

    @Operation(summary = "Sums over every LLM call the filters match",
            description = "The same filters as /api/llm-calls: calls, tokens, known cost, unpriced and failed calls, traces.")
    @Get(uri = "/totals", produces = "application/json")
    public MutableHttpResponse<?> totals(@Nullable @QueryValue String model, @Nullable @QueryValue String provider,
                                         @Nullable @QueryValue String workflow, @Nullable @QueryValue String service,
                                         @Nullable @QueryValue Long start, @Nullable @QueryValue Long end,
                                         @Nullable @QueryValue String status, @Nullable @QueryValue String traceId) {
        LlmCallSearch search;
        try {
            search = search(model, provider, workflow, service, start, end, status, traceId, null, null, null, null);
        } catch (BadParameter e) {
            return e.problem();
        }
        LlmCallTotals t = query.llmCallTotals(search);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("calls", t.calls());
        body.put("traces", t.traces());
        body.put("inputTokens", t.inputTokens());
        body.put("cachedInputTokens", t.cachedInputTokens());
        body.put("outputTokens", t.outputTokens());
        body.put("reasoningTokens", t.reasoningTokens());
        body.put("totalTokens", t.totalTokens());
        body.put("costUsd", t.costUsd());
        body.put("unpricedCalls", t.unpricedCalls());
        body.put("failedCalls", t.failedCalls());
        return HttpResponse.ok(body);
    }

    static Map<String, Object> json(LlmCall c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", c.traceId().hex());
        m.put("spanId", c.spanId().hex());
        m.put("model", c.model().isEmpty() ? null : c.model());
        m.put("provider", c.provider().isEmpty() ? null : c.provider());
        m.put("inputTokens", c.inputTokens());
        m.put("cachedInputTokens", c.cachedInputTokens());
        m.put("outputTokens", c.outputTokens());
        m.put("reasoningTokens", c.reasoningTokens());
        // an unknown cost is null with a status saying why, never $0
        m.put("costUsd", c.costUsd().orElse(null));
        m.put("costStatus", c.costStatus().name().toLowerCase(Locale.ROOT));
        m.put("durationMs", c.durationMs());
        m.put("workflowName", c.workflowName());
        m.put("serviceName", c.serviceName());
        m.put("status", c.failed() ? "error" : "ok");
        m.put("startTimeUnixNano", TraceJson.nanos(c.startTimeUnixNano()));
        return m;
    }

    private static LlmCallSearch search(String model, String provider, String workflow, String service, Long start,
                                        Long end, String status, String traceId, String sort, String order,
                                        Integer limit, String cursor) {
        int n = limit == null ? LlmCallSearch.DEFAULT_LIMIT : limit;
        if (n < 1 || n > LlmCallSearch.MAX_LIMIT) {
            throw new BadParameter("Invalid limit", "limit must be between 1 and " + LlmCallSearch.MAX_LIMIT + ", got " + n);
        }
        LlmCallSort by = LlmCallSort.TIME;
        if (present(sort)) {
            try {
                by = LlmCallSort.parse(sort);
            } catch (IllegalArgumentException e) {
                throw new BadParameter("Invalid sort", e.getMessage());
            }
        }
        boolean descending = true;
        if (present(order)) {
            switch (order.trim().toLowerCase(Locale.ROOT)) {
                case "desc" -> descending = true;
                case "asc" -> descending = false;
                default -> throw new BadParameter("Invalid order", "order must be asc or desc, got '" + order + "'");
            }
        }
        LlmCallSearch.Builder b = LlmCallSearch.builder().sort(by, descending).limit(n);
        if (present(model)) {
            b.model(model.trim());
        }
        if (present(provider)) {
            b.provider(provider.trim());
        }
        if (present(workflow)) {
            b.workflow(workflow.trim());
        }
        if (present(service)) {
            b.service(service.trim());
        }
        if (start != null) {
            b.startFrom(start);
        }
        if (end != null) {
            b.startTo(end);
        }
        if (present(status)) {
            switch (status.trim().toLowerCase(Locale.ROOT)) {
                case "error" -> b.failed(true);
                case "ok" -> b.failed(false);
                default -> throw new BadParameter("Invalid status", "status must be ok or error, got '" + status + "'");
            }
        }
        if (present(traceId)) {
            try {
                b.traceId(TraceId.of(traceId.trim()));
            } catch (InvalidTelemetryException e) {
                throw new BadParameter("Invalid trace id", e.getMessage());
            }
        }
        if (present(cursor)) {
            try {
                b.cursor(LlmCallCursor.decode(cursor.trim(), by));
            } catch (IllegalArgumentException e) {
                throw new BadParameter("Invalid cursor", e.getMessage());
            }
        }
        return b.build();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
