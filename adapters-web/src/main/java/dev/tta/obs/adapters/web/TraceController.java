package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.llm.ChatMessages;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.in.ForgetTraces;
import dev.tta.obs.ports.in.QueryLogs;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.RateTraces;
import dev.tta.obs.domain.query.FeedbackFilter;
import dev.tta.obs.domain.query.TraceCursor;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.in.TraceSelection;
import dev.tta.obs.ports.in.TransferProgress;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.domain.query.TraceSort;
import dev.tta.obs.domain.query.TraceStatusFilter;
import dev.tta.obs.ports.in.TraceTimeline;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
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
import java.util.Optional;
import java.util.function.BiFunction;

import static dev.tta.obs.adapters.web.ApiProblem.invalidTraceId;
import static dev.tta.obs.adapters.web.ApiProblem.traceId;
import static dev.tta.obs.adapters.web.ApiProblem.traceNotFound;

/** Trace search, trace and span detail, deletion. JDBC runs here, so off the event loop. */
@Controller("/api/traces")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TraceController {
    /** Log records read for a trace's chat views; the logs endpoint reads as many. */
    private static final int MAX_MESSAGE_LOGS = 10_000;
    private final QueryTraces query;
    private final ForgetTraces forget;
    private final PriceTable prices;
    private final TransferTraces transfer;
    private final CompareRuns compare;
    private final QueryLogs logs;
    private final RateTraces feedback;
    private final RecentTimelines recent = new RecentTimelines();

    public TraceController(QueryTraces query, ForgetTraces forget, PriceTable prices, TransferTraces transfer,
                           CompareRuns compare, QueryLogs logs, RateTraces feedback) {
        this.query = query;
        this.forget = forget;
        this.prices = prices;
        this.transfer = transfer;
        this.compare = compare;
        this.logs = logs;
        this.feedback = feedback;
    }

    /** One trace as a file download, in a format Jaeger UI or another tta-obs can load. */
    @Get(uri = "/{traceId}/export")
    public MutableHttpResponse<?> export(@PathVariable String traceId, @Nullable @QueryValue String format) {
        Optional<TraceId> parsed = traceId(traceId);
        if (parsed.isEmpty()) {
            return invalidTraceId(traceId);
        }
        TraceId id = parsed.get();
        String name = format == null || format.isBlank() ? "jaeger" : format;
        if (!transfer.formats().contains(name)) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Unknown format",
                    "format must be one of " + transfer.formats() + ", got '" + name + "'");
        }
        if (query.trace(id).isEmpty()) {
            return traceNotFound(id);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        transfer.export(TraceSelection.of(id), name, out, TransferProgress.NONE);
        return HttpResponse.ok(out.toByteArray())
                .contentType(transfer.mediaType(name).orElse("application/octet-stream"))
                .header("Content-Disposition", "attachment; filename=\"trace-" + id.hex() + "." + name + ".json\"");
    }

    /** A true/false parameter; anything else is refused rather than read as false. */
    private static boolean flag(String name, @Nullable String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new BadParameter("Invalid " + name, name + " must be true or false, got '" + value + "'");
    }

    @Operation(summary = "Search traces", description = "Every filter is optional and all must hold. See docs/api.md.")
    @Get(produces = "application/json")
    public MutableHttpResponse<?> list(@Nullable @QueryValue String service,
                                       @Nullable @QueryValue @Parameter(description = "free text over span names, services and attribute values") String q,
                                       @Nullable @QueryValue Long start,
                                       @Nullable @QueryValue Long end,
                                       @Nullable @QueryValue @Parameter(description = "true or false") String errors,
                                       @Nullable @QueryValue Integer limit,
                                       @Nullable @QueryValue String cursor,
                                       @Nullable @QueryValue @Parameter(description = "root or span name, exact") String name,
                                       @Nullable @QueryValue @Parameter(description = "how the run ended: failed, recovered or ok; error (failed or recovered) and unset (no span failed or was marked ok) filter by span status") String status,
                                       @Nullable @QueryValue Double minDurationMs,
                                       @Nullable @QueryValue Double maxDurationMs,
                                       @Nullable @QueryValue @Parameter(description = "key=value, repeatable; all on one span") List<String> attr,
                                       @Nullable @QueryValue String primitive,
                                       @Nullable @QueryValue String model,
                                       @Nullable @QueryValue @Parameter(description = "true or false") String regressions,
                                       @Nullable @QueryValue Double minCostUsd,
                                       @Nullable @QueryValue @Parameter(description = "newest, oldest, duration or cost") String sort,
                                       @Nullable @QueryValue @Parameter(description = "the trace's root span name, exact") String root,
                                       @Nullable @QueryValue @Parameter(description = "the same as status=failed|recovered|ok (its earlier name)") String outcome,
                                       @Nullable @QueryValue("feedback") @Parameter(description = "any, none, positive, negative, or a feedback name") String feedbackFilter,
                                       @Nullable @QueryValue @Parameter(description = "a feedback score (of the feedback name, if given) below this") Double scoreBelow,
                                       @Nullable @QueryValue @Parameter(description = "a feedback score (of the feedback name, if given) above this") Double scoreAbove) {
        TraceSearch search;
        try {
            int n = limit == null ? TraceSearch.DEFAULT_LIMIT : limit;
            if (n < 1 || n > TraceSearch.MAX_LIMIT) {
                throw new BadParameter("Invalid limit", "limit must be between 1 and " + TraceSearch.MAX_LIMIT + ", got " + n);
            }
            TraceSearch.Builder b = TraceSearch.builder().limit(n).errorsOnly(flag("errors", errors))
                    .regressionsOnly(flag("regressions", regressions));
            blank(service).ifPresent(b::serviceName);
            blank(q).ifPresent(b::text);
            blank(name).ifPresent(b::spanName);
            blank(root).ifPresent(b::rootName);
            blank(primitive).ifPresent(b::primitive);
            blank(model).ifPresent(b::model);
            if (start != null) {
                b.startFrom(start);
            }
            if (end != null) {
                b.startTo(end);
            }
            if (minDurationMs != null) {
                b.minDurationMs(minDurationMs);
            }
            if (maxDurationMs != null) {
                b.maxDurationMs(maxDurationMs);
            }
            if (minCostUsd != null) {
                b.minCostUsd(minCostUsd);
            }
            RunOutcome byStatus = blank(status).map(s -> runStatus(b, s)).orElse(null);
            blank(sort).ifPresent(s -> b.sort(parseEnum(TraceSort.class, "sort", s)));
            if (blank(outcome).isPresent()) {
                RunOutcome o;
                try {
                    o = RunOutcome.parse(outcome);
                } catch (IllegalArgumentException e) {
                    throw new BadParameter("Invalid outcome", e.getMessage());
                }
                if (byStatus != null && byStatus != o) {
                    throw new BadParameter("Invalid status", "status=" + status.trim() + " and outcome=" + outcome.trim()
                            + " ask for different runs; outcome is the earlier name of status, send one");
                }
                b.outcome(o);
            } else if (byStatus != null) {
                b.outcome(byStatus);
            }
            if (blank(feedbackFilter).isPresent()) {
                b.feedback(FeedbackFilter.parse(feedbackFilter));
            }
            if (scoreBelow != null) {
                b.scoreBelow(scoreBelow);
            }
            if (scoreAbove != null) {
                b.scoreAbove(scoreAbove);
            }
            if (attr != null) {
                List<TraceSearch.AttributeMatch> matches = new ArrayList<>();
                for (String a : attr) {
                    try {
                        matches.add(TraceSearch.AttributeMatch.parse(a));
                    } catch (IllegalArgumentException e) {
                        throw new BadParameter("Invalid attribute filter", e.getMessage());
                    }
                }
                b.attributes(matches);
            }
            if (cursor != null && !cursor.isBlank()) {
                try {
                    b.cursor(Optional.of(TraceCursor.decode(cursor)));
                } catch (IllegalArgumentException e) {
                    throw new BadParameter("Invalid cursor", e.getMessage());
                }
            }
            try {
                search = b.build();
            } catch (IllegalArgumentException e) {
                throw new BadParameter("Invalid search", e.getMessage());
            }
        } catch (BadParameter e) {
            return e.problem();
        }
        TracePage page = query.search(search);
        List<Object> traces = new ArrayList<>(page.traces().size());
        for (TraceSummary s : page.traces()) {
            Map<String, Object> row = TraceJson.summary(s);
            // the stored verdict; the detail compares afresh
            row.put("regression", page.regressions().contains(s.traceId()));
            traces.add(row);
        }
        SessionJson.addFeedback(traces, feedback.feedback(page.traces().stream().map(TraceSummary::traceId).toList()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("traces", traces);
        body.put("nextCursor", page.nextCursor().map(TraceCursor::encode).orElse(null));
        return HttpResponse.ok(body);
    }

    /**
     * {@code status} filters by how the run ended ({@code failed}, {@code recovered}, {@code ok});
     * {@code error} and {@code unset}, its span-status values of earlier versions, still work, so
     * saved links and scripts keep their meaning ({@code error}: a span failed, recovered or not).
     * The run outcome asked for, or null when the value was a span status.
     */
    private static RunOutcome runStatus(TraceSearch.Builder b, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "error" -> b.status(TraceStatusFilter.ERROR);
            case "unset" -> b.status(TraceStatusFilter.UNSET);
            default -> {
                try {
                    return RunOutcome.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new BadParameter("Invalid status", "status must be failed, recovered or ok"
                            + " (or error: failed or recovered), got '" + value + "'");
                }
            }
        }
        return null;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String param, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw new BadParameter("Invalid " + param, param + " must be one of " + String.join(", ", allowed)
                    + ", got '" + value + "'");
        }
    }

    @Operation(summary = "One trace, spans in tree order with depth and self time, and its critical path")
    @Get(uri = "/{traceId}", produces = "application/json")
    public MutableHttpResponse<?> get(@PathVariable String traceId) {
        return trace(traceId, (id, t) -> TraceJson.timeline(t, prices, messageLogs(id)));
    }

    @Operation(summary = "What the waterfall draws of one trace: a compact row per span, no attributes, events or messages",
            description = "See docs/api.md, \"GET /api/traces/{traceId}/timeline\".")
    @Get(uri = "/{traceId}/timeline", produces = "application/json")
    public MutableHttpResponse<?> timeline(@PathVariable String traceId) {
        return trace(traceId, (id, t) -> {
            // the spans the page opens next come from here, not from another load of the trace
            recent.put(t);
            return TraceJson.slimTimeline(t, prices);
        });
    }

    /**
     * One trace as {@code render} writes it, with its baseline comparison and feedback after; a 400
     * for a malformed id, a 404 for a trace not stored.
     */
    private MutableHttpResponse<?> trace(String traceId,
                                         BiFunction<TraceId, TraceTimeline, Map<String, Object>> render) {
        Optional<TraceId> id = traceId(traceId);
        if (id.isEmpty()) {
            return invalidTraceId(traceId);
        }
        return query.timeline(id.get())
                .<MutableHttpResponse<?>>map(t -> {
                    Map<String, Object> body = render.apply(id.get(), t);
                    TraceJson.addBaseline(body, compare.compareWithBaseline(t.trace()));
                    body.put("feedback", SessionJson.feedback(feedback.feedback(id.get())));
                    return HttpResponse.ok(body);
                })
                .orElseGet(() -> traceNotFound(id.get()));
    }

    @Operation(summary = "One span in full, with its depth, self time, primitive and LLM call with its messages")
    @Get(uri = "/{traceId}/spans/{spanId}", produces = "application/json")
    public MutableHttpResponse<?> span(@PathVariable String traceId, @PathVariable String spanId) {
        Optional<TraceId> id = traceId(traceId);
        if (id.isEmpty()) {
            return invalidTraceId(traceId);
        }
        SpanId sid;
        try {
            sid = SpanId.of(spanId);
        } catch (InvalidTelemetryException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid span id", e.getMessage());
        }
        Optional<TraceTimeline> timeline = recent.holding(id.get(), sid, query::timeline);
        if (timeline.isEmpty()) {
            return traceNotFound(id.get());
        }
        Optional<Span> span = timeline.get().span(sid);
        return span.<MutableHttpResponse<?>>map(s -> {
                    Map<String, Object> body = TraceJson.span(s, timeline.get());
                    TraceJson.addInsights(body, s, prices, messageLogs(id.get()).getOrDefault(sid, List.of()));
                    return HttpResponse.ok(body);
                })
                .orElseGet(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "Span not found",
                        "trace " + id.get().hex() + " has no span " + sid.hex()));
    }

    /** GenAI message events some instrumentations send as log records, per span, to join their span's chat. */
    private Map<SpanId, List<SpanEvent>> messageLogs(TraceId id) {
        Map<SpanId, List<SpanEvent>> messageLogs = new java.util.HashMap<>();
        for (LogEntry l : logs.logsOfTrace(id, MAX_MESSAGE_LOGS)) {
            l.spanId().ifPresent(sid -> ChatMessages.logRecordEvent(l.timeUnixNano(), l.eventName(),
                            l.attributes(), l.body())
                    .ifPresent(e -> messageLogs.computeIfAbsent(sid, k -> new ArrayList<>()).add(e)));
        }
        return messageLogs;
    }

    @Operation(summary = "Delete one trace")
    @Delete(uri = "/{traceId}")
    public MutableHttpResponse<?> delete(@PathVariable String traceId) {
        Optional<TraceId> id = traceId(traceId);
        if (id.isEmpty()) {
            return invalidTraceId(traceId);
        }
        recent.forget(id.get());
        return forget.forget(id.get()) ? HttpResponse.noContent() : traceNotFound(id.get());
    }

    @Operation(summary = "Delete every stored trace")
    @Delete(produces = "application/json")
    public MutableHttpResponse<?> deleteAll() {
        recent.forgetAll();
        return HttpResponse.ok(Map.of("deleted", forget.forgetAll()));
    }

    private static Optional<String> blank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
