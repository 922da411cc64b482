package dev.tta.obs.adapters.mcp;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.llm.ChatMessage;
import dev.tta.obs.domain.llm.ChatMessages;
import dev.tta.obs.domain.llm.LlmUsage;
import dev.tta.obs.domain.regression.RegressionReport;
import dev.tta.obs.domain.workflow.PrimitiveKind;
import dev.tta.obs.domain.workflow.SpanClassifier;
import dev.tta.obs.domain.workflow.SpanInsight;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.in.QuerySessions;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.RateTraces;
import dev.tta.obs.domain.query.TraceCursor;
import dev.tta.obs.domain.LlmCall;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallSort;
import dev.tta.obs.domain.query.LlmCallTotals;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceSort;
import dev.tta.obs.domain.query.TraceStatusFilter;
import dev.tta.obs.ports.in.TraceTimeline;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static dev.tta.obs.domain.Percentiles.nearestRank;

/**
 * The tools an agent asks tta-obs with, built on the inbound ports only; all read but add_feedback. Every answer
 * starts with its totals, stays small (long values cut with a marker, long lists paged) and says
 * how to get more: "more: call again with cursor X".
 */
public final class TraceTools {
    static final int OUTLINE_PAGE = 200;
    private static final Limit TRACES = new Limit("traces per page", 20, 200);
    private static final Limit OUTLINE = new Limit("spans per page", OUTLINE_PAGE, 2000);
    private static final Limit SPAN_LINES = new Limit("lines per page", 200, 2000);
    private static final Limit FOUND = new Limit("traces per page", 10, 50);
    private static final Limit REGRESSIONS = new Limit("runs per page", 10, 50);
    private static final Limit ERROR_GROUPS = new Limit("groups to show", 10, 100);
    private static final Limit CALLS = new Limit("calls to show", 10, 200);
    private static final Limit WORKFLOWS = new Limit("workflows to show", 20, 500);
    private static final Limit COMPARED = new Limit("rows per section", 10, 200);
    private static final int NAME_CHARS = 120;
    private static final int SCAN_PAGE = 1000;

    private final QueryTraces query;
    private final CompareRuns compare;
    private final PriceTable prices;
    private final Clock clock;
    private final List<Tool> tools;
    private final Optional<String> writesRefused;

    /**
     * @param writesRefused why no tool may change data here (a data directory opened read-only), or
     *                      empty when the caller's key decides
     */
    public TraceTools(QueryTraces query, CompareRuns compare, QuerySessions sessions, RateTraces rate,
                      PriceTable prices, Clock clock, Optional<String> writesRefused) {
        this.query = query;
        this.compare = compare;
        this.prices = prices;
        this.clock = clock;
        this.writesRefused = writesRefused;
        List<Tool> all = new ArrayList<>(List.of(
                new Tool("list_traces", "List stored traces, newest first, with filters; one line each with id, "
                        + "workflow, duration, errors, LLM calls, tokens and cost.", traceFilters(new Schema())
                        .page(TRACES)
                        .build(), this::listTraces),
                new Tool("get_trace", "A trace as a compact outline: one line per span with depth, name, duration, "
                        + "status, primitive facts and model/tokens/cost; paged for big traces.", new Schema()
                        .required("trace_id", "the trace id (32 hex digits)")
                        .page(OUTLINE)
                        .build(), this::getTrace),
                new Tool("get_span", "One span in full: attributes, events and LLM messages, long values cut "
                        + "with a marker; paged.", new Schema()
                        .required("trace_id", "the trace id")
                        .required("span_id", "the span id (16 hex digits), as get_trace shows it after '#'")
                        .integer("max_value_chars", "cut values longer than this (default 500)", 20, 100_000)
                        .page(SPAN_LINES)
                        .build(), this::getSpan),
                new Tool("search", "Find spans by text (words starting span names, services or attribute values); "
                        + "lists matching traces with the spans that match.", new Schema()
                        .required("text", "the words to look for, e.g. 'lookup_customer 404'")
                        .string("service", "only this service")
                        .string("since", "only traces started since: 30m, 24h, 7d or an ISO time")
                        .page(FOUND)
                        .build(), this::search),
                new Tool("list_errors", "Failures grouped by kind (span and message), with counts, the last time "
                        + "seen and an example trace.", new Schema()
                        .string("since", "only traces started since: 30m, 24h, 7d or an ISO time")
                        .string("service", "only this service")
                        .string("workflow", "only runs of this workflow (workflow.name)")
                        .limit(ERROR_GROUPS)
                        .integer("scan", "newest failing traces to read (default 200)", 1, 2000)
                        .build(), this::listErrors),
                new Tool("llm_calls", "The top LLM calls by cost, tokens or latency, with totals, over every "
                        + "stored trace; filter by model, provider, service, workflow, time.", new Schema()
                        .choice("sort", "cost (default), tokens or latency", "cost", "tokens", "latency")
                        .string("trace_id", "only the calls of this run")
                        .string("model", "only this model family (every snapshot), e.g. gpt-4o-mini, or an exact name")
                        .string("provider", "only this provider, e.g. openai")
                        .string("service", "only this service")
                        .string("workflow", "only runs of this workflow (its workflow.name, else its root span name)")
                        .string("since", "only calls started since: 30m, 24h, 7d or an ISO time")
                        .limit(CALLS)
                        .build(), this::llmCalls),
                new Tool("workflow_stats", "Per workflow over a window: runs, p50/p95 latency, error and recovery "
                        + "rates, tokens, cost, cache hit rate, retries.", new Schema()
                        .string("since", "only runs started since: 30m, 24h, 7d or an ISO time (default: all stored)")
                        .string("service", "only this service")
                        .limit(WORKFLOWS)
                        .build(), this::workflowStats),
                new Tool("compare_runs", "Compare a run with another run, or with its workflow's earlier runs: what "
                        + "got slower, costlier or newly failing, matched span by span.", new Schema()
                        .required("trace_id", "the run to judge")
                        .string("baseline_trace_id", "the run to compare with (default: the workflow's earlier "
                                + "runs, span by span against the latest of them)")
                        .limit(COMPARED)
                        .build(), this::compareRuns),
                new Tool("regressions", "Recent runs flagged as regressions against their workflow's earlier runs, "
                        + "newest first, with what regressed.", new Schema()
                        .string("since", "only runs started since: 30m, 24h, 7d or an ISO time")
                        .string("service", "only this service")
                        .page(REGRESSIONS)
                        .build(), this::regressions)));
        all.addAll(new SessionTools(query, sessions, rate, clock).tools());
        this.tools = List.copyOf(all);
    }

    /** Why no tool may change data here whoever asks, or empty when the caller's key decides. */
    public Optional<String> writesRefused() {
        return writesRefused;
    }

    public List<Tool> tools() {
        return tools;
    }

    public Optional<Tool> tool(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The price table as TSV, for the prices resource. */
    public String priceTable() {
        return prices.toTsv();
    }

    private static Schema traceFilters(Schema s) {
        return s.string("service", "only this service")
                .string("workflow", "only runs of this workflow (the workflow.name attribute)")
                .string("root", "only traces whose root span has this name, exact")
                .string("text", "words that start span names, services or attribute values")
                .string("span_name", "a span of the trace has exactly this name")
                .choice("status", "how the run ended: failed, recovered (errors inside were absorbed) or ok; "
                        + "error (failed or recovered) and unset (no span failed or was marked ok) go by span status",
                        "failed", "recovered", "ok", "error", "unset")
                .string("model", "an LLM call of the trace used this model")
                .string("primitive", "the trace used this primitive type, e.g. retry")
                .number("min_duration_ms", "at least this long")
                .number("min_cost_usd", "cost at least this much")
                .string("since", "started since: 30m, 24h, 7d or an ISO time")
                .string("until", "started before: 30m, 24h, 7d ago or an ISO time")
                .bool("regressions_only", "only runs flagged as regressions")
                .choice("sort", "newest (default), oldest, duration or cost", "newest", "oldest", "duration", "cost");
    }

    // ---- list_traces

    /** As the REST API's status: the run's outcome, or a span status of earlier versions. */
    private static void runStatus(TraceSearch.Builder b, String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> b.status(TraceStatusFilter.ERROR);
            case "unset" -> b.status(TraceStatusFilter.UNSET);
            default -> {
                try {
                    b.outcome(RunOutcome.parse(value));
                } catch (IllegalArgumentException e) {
                    throw ToolException.badArgument("status must be one of failed, recovered, ok, error, unset, got '"
                            + value + "'");
                }
            }
        }
    }

    private TraceSearch.Builder filters(ToolArgs a) {
        TraceSearch.Builder b = TraceSearch.builder();
        a.string("service").ifPresent(b::serviceName);
        a.string("workflow").ifPresent(w -> b.attribute("workflow.name", w));
        a.string("root").ifPresent(b::rootName);
        a.string("text").ifPresent(b::text);
        a.string("span_name").ifPresent(b::spanName);
        a.string("status").ifPresent(v -> runStatus(b, v));
        a.string("model").ifPresent(b::model);
        a.string("primitive").ifPresent(b::primitive);
        a.number("min_duration_ms").ifPresent(b::minDurationMs);
        a.number("min_cost_usd").ifPresent(b::minCostUsd);
        a.time("since", clock.instant()).ifPresent(b::startFrom);
        a.time("until", clock.instant()).ifPresent(b::startTo);
        b.regressionsOnly(a.flag("regressions_only"));
        a.choice("sort", TraceSort.class).ifPresent(b::sort);
        return b;
    }

    private static Optional<TraceCursor> traceCursor(ToolArgs a) {
        Optional<String> c = a.string("cursor");
        try {
            return c.map(TraceCursor::decode);
        } catch (IllegalArgumentException e) {
            throw ToolException.badArgument(e.getMessage());
        }
    }

    private TracePage page(TraceSearch.Builder b) {
        try {
            return query.search(b.build());
        } catch (IllegalArgumentException e) {
            throw ToolException.badArgument(e.getMessage());
        }
    }

    ToolResult listTraces(ToolArgs a) {
        TraceSearch.Builder b = filters(a).limit(TRACES.of(a)).cursor(traceCursor(a));
        TracePage page = page(b);
        long stored = query.traceCount();
        StringBuilder out = new StringBuilder();
        String order = a.string("sort").map(s -> s.toLowerCase(Locale.ROOT)).orElse("newest");
        out.append(page.traces().size()).append(page.traces().size() == 1 ? " trace" : " traces")
                .append(" on this page (").append(stored).append(" stored), ").append(order).append(" first\n");
        Text.Table t = new Text.Table("trace_id", "started", "workflow", "service", "duration", "spans", "errors",
                "llm", "tokens", "cost", "flags");
        List<Object> rows = new ArrayList<>();
        for (TraceSummary s : page.traces()) {
            boolean regression = page.regressions().contains(s.traceId());
            WorkflowRollup r = s.rollup();
            t.row(s.traceId().hex(), Text.time(s.startTimeUnixNano()), workflow(s), s.serviceName(),
                    Text.duration(s.durationNanos()), s.spanCount(), s.errorCount(), r.llmCalls(), r.totalTokens(),
                    Text.cost(r.costUsd()), flags(s, regression));
            Map<String, Object> row = summaryData(s);
            row.put("regression", regression);
            rows.add(row);
        }
        if (t.size() > 0) {
            t.appendTo(out);
        }
        Optional<String> next = page.nextCursor().map(TraceCursor::encode);
        more(out, next);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("storedTraces", stored);
        data.put("count", rows.size());
        data.put("traces", rows);
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }

    private static String flags(TraceSummary s, boolean regression) {
        List<String> f = new ArrayList<>();
        if (regression) {
            f.add("REGRESSION");
        }
        if (s.rollup().retries() > 0) {
            f.add("retries=" + s.rollup().retries());
        }
        if (s.rollup().fallbacksUsed() > 0) {
            f.add("fallback");
        }
        if (s.rollup().timeouts() > 0) {
            f.add("timeouts=" + s.rollup().timeouts());
        }
        if (!s.rootFound()) {
            f.add("root-missing");
        }
        return f.isEmpty() ? "" : String.join(",", f);
    }

    static String workflow(TraceSummary s) {
        return s.rollup().workflowName().filter(n -> !n.isBlank()).orElse(s.rootName());
    }

    static Map<String, Object> summaryData(TraceSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        WorkflowRollup r = s.rollup();
        m.put("traceId", s.traceId().hex());
        m.put("workflow", workflow(s));
        m.put("rootName", s.rootName());
        m.put("serviceName", s.serviceName());
        m.put("startTime", Text.time(s.startTimeUnixNano()));
        m.put("startTimeUnixNano", s.startTimeUnixNano());
        m.put("durationMs", s.durationMs());
        m.put("spanCount", s.spanCount());
        m.put("errorCount", s.errorCount());
        m.put("llmCalls", r.llmCalls());
        m.put("inputTokens", r.inputTokens());
        m.put("outputTokens", r.outputTokens());
        m.put("costUsd", r.costUsd().orElse(null));
        m.put("costStatus", r.costStatus().name().toLowerCase(Locale.ROOT));
        m.put("retries", r.retries());
        m.put("fallbacksUsed", r.fallbacksUsed());
        m.put("primitiveTypes", r.primitiveTypes());
        return m;
    }

    static void more(StringBuilder out, Optional<String> next) {
        next.ifPresentOrElse(c -> out.append("more: call again with cursor ").append(c).append('\n'),
                () -> out.append("(end)\n"));
    }

    // ---- get_trace

    static TraceId traceId(String hex) {
        try {
            return TraceId.of(hex);
        } catch (IllegalArgumentException e) {
            throw ToolException.badArgument("trace_id must be 32 hex digits, got '" + hex + "'");
        }
    }

    private TraceTimeline timeline(String hex) {
        TraceId id = traceId(hex);
        return query.timeline(id).orElseThrow(() -> ToolException.notFound("no trace " + id.hex() + " is stored"));
    }

    static int offset(ToolArgs a) {
        Optional<String> c = a.string("cursor");
        if (c.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(c.get());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ToolException.badArgument("cursor is not one this tool gave, got '" + c.get() + "'");
        }
    }

    ToolResult getTrace(ToolArgs a) {
        TraceTimeline tl = timeline(a.required("trace_id"));
        int limit = OUTLINE.of(a);
        int from = offset(a);
        Trace trace = tl.trace();
        TraceSummary s = trace.summary();
        List<Span> spans = trace.spans();
        StringBuilder out = new StringBuilder();
        out.append(headline(s)).append('\n');
        Map<SpanId, String> names = new HashMap<>();
        spans.forEach(sp -> names.put(sp.spanId(), sp.name()));
        List<String> path = tl.criticalPath().stream().map(id -> Text.cut(names.getOrDefault(id, "?"), 60)).toList();
        out.append("critical path: ").append(Text.cut(String.join(" > ", path), 600)).append('\n');
        int to = Math.min(spans.size(), from + limit);
        if (from >= spans.size() && !spans.isEmpty()) {
            throw ToolException.badArgument("cursor " + from + " is past the last span (" + spans.size() + ")");
        }
        out.append("spans ").append(spans.isEmpty() ? 0 : from + 1).append('-').append(to).append(" of ")
                .append(spans.size()).append(" (depth name duration status [facts] #span_id):\n");
        List<Object> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Span sp = spans.get(i);
            int depth = tl.depth().getOrDefault(sp.spanId(), 0);
            out.append("  ".repeat(Math.min(depth, 12))).append(depth).append(' ')
                    .append(Text.cut(sp.name(), NAME_CHARS)).append(' ').append(Text.duration(sp.durationNanos()))
                    .append(' ').append(status(sp));
            List<String> facts = facts(sp);
            if (!facts.isEmpty()) {
                out.append(" [").append(String.join("; ", facts)).append(']');
            }
            out.append(" #").append(sp.spanId().hex()).append('\n');
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("spanId", sp.spanId().hex());
            row.put("parentSpanId", sp.parentSpanId().map(SpanId::hex).orElse(null));
            row.put("depth", depth);
            row.put("name", sp.name());
            row.put("durationMs", sp.durationNanos() / 1_000_000.0);
            row.put("status", sp.status().code().name().toLowerCase(Locale.ROOT));
            row.put("statusMessage", sp.status().message());
            row.put("facts", facts);
            rows.add(row);
        }
        Optional<String> next = to < spans.size() ? Optional.of(Integer.toString(to)) : Optional.empty();
        more(out, next);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("summary", summaryData(s));
        data.put("criticalPath", tl.criticalPath().stream().map(SpanId::hex).toList());
        data.put("spanCount", spans.size());
        data.put("from", from);
        data.put("spans", rows);
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }

    private String headline(TraceSummary s) {
        WorkflowRollup r = s.rollup();
        StringBuilder h = new StringBuilder("trace ").append(s.traceId().hex())
                .append("  workflow ").append(workflow(s))
                .append("  service ").append(s.serviceName())
                .append("  started ").append(Text.time(s.startTimeUnixNano()))
                .append("  duration ").append(Text.duration(s.durationNanos()))
                .append("  spans ").append(s.spanCount())
                .append("  errors ").append(s.errorCount());
        if (r.llmCalls() > 0) {
            h.append("  llm ").append(r.llmCalls()).append(r.llmCalls() == 1 ? " call " : " calls ")
                    .append(r.inputTokens()).append("→").append(r.outputTokens()).append(" tok ")
                    .append(Text.cost(r.costUsd()));
            if (!r.unpricedModels().isEmpty()) {
                h.append(" (unpriced: ").append(String.join(", ", r.unpricedModels())).append(')');
            }
        }
        if (r.retries() > 0) {
            h.append("  retries ").append(r.retries());
        }
        return h.toString();
    }

    private static String status(Span s) {
        return switch (s.status().code()) {
            case ERROR -> "ERROR" + (s.status().message().isEmpty() ? "" : "(" + Text.cut(s.status().message(), 100) + ")");
            case OK -> "ok";
            default -> "-";
        };
    }

    /** The primitive's badges and, for an LLM call, model, tokens and cost. */
    private List<String> facts(Span s) {
        List<String> f = new ArrayList<>();
        SpanInsight insight = SpanClassifier.classify(s);
        if (insight.kind() != PrimitiveKind.OTHER) {
            List<String> badges = new ArrayList<>(insight.badges());
            // the status already says ERROR; and "cache miss" says "cache" already
            badges.remove("error");
            String kind = insight.kind().label();
            if (badges.stream().skip(1).anyMatch(b -> b.startsWith(kind))) {
                badges.remove(kind);
            }
            f.add(String.join(", ", badges));
        }
        LlmUsage.from(s).ifPresent(u -> f.add(llm(u)));
        return f;
    }

    private String llm(LlmUsage u) {
        String model = u.provider().map(p -> p + "/").orElse("") + u.model().orElse("?");
        Optional<Double> cost = CostSummary.of(List.of(u.toModelUsage()), prices).costUsd();
        return model + " " + u.inputTokens() + "→" + u.outputTokens() + " tok " + Text.cost(cost);
    }

    // ---- get_span

    ToolResult getSpan(ToolArgs a) {
        TraceTimeline tl = timeline(a.required("trace_id"));
        String sid = a.required("span_id");
        SpanId spanId;
        try {
            spanId = SpanId.of(sid);
        } catch (IllegalArgumentException e) {
            throw ToolException.badArgument("span_id must be 16 hex digits, got '" + sid + "'");
        }
        Span s = tl.span(spanId).orElseThrow(() -> ToolException.notFound(
                "trace " + tl.trace().traceId().hex() + " has no span " + spanId.hex()));
        int max = a.integer("max_value_chars", 500, 20, 100_000);
        int limit = SPAN_LINES.of(a);
        int from = offset(a);
        List<String> lines = new ArrayList<>();
        lines.add("span " + s.spanId().hex() + " \"" + Text.cut(s.name(), NAME_CHARS) + "\" in trace "
                + s.traceId().hex());
        lines.add("depth " + tl.depth().getOrDefault(s.spanId(), 0) + "  duration " + Text.duration(s.durationNanos())
                + "  self " + Text.duration(tl.selfTimeNs().getOrDefault(s.spanId(), 0L)) + "  status " + status(s)
                + "  kind " + s.kind().name().toLowerCase(Locale.ROOT) + "  service " + s.serviceName()
                + "  parent " + s.parentSpanId().map(SpanId::hex).orElse("-") + "  started "
                + Text.time(s.startTimeUnixNano()));
        List<String> facts = facts(s);
        if (!facts.isEmpty()) {
            lines.add("facts: " + String.join("; ", facts));
        }
        Map<String, AttributeValue> attrs = s.attributes().asMap();
        lines.add("attributes (" + attrs.size() + (s.droppedAttributesCount() > 0
                ? ", " + s.droppedAttributesCount() + " dropped by the sender" : "") + "):");
        new TreeMap<>(attrs).forEach((k, v) -> lines.add("  " + k + " = " + Text.cut(show(v), max)));
        lines.add("events (" + s.events().size() + "):");
        for (SpanEvent e : s.events()) {
            StringBuilder ev = new StringBuilder("  +").append(Text.duration(e.timeUnixNano() - s.startTimeUnixNano()))
                    .append(' ').append(e.name());
            e.attributes().asMap().forEach((k, v) -> ev.append("  ").append(k).append('=').append(show(v)));
            lines.add(Text.cut(ev.toString(), max));
        }
        List<ChatMessage> messages = LlmUsage.from(s).isPresent() ? ChatMessages.from(s) : List.of();
        if (!messages.isEmpty()) {
            lines.add("messages (" + messages.size() + "):");
            for (ChatMessage m : messages) {
                StringBuilder ml = new StringBuilder("  [").append(m.role()).append("] ").append(m.content());
                for (ChatMessage.ToolCall c : m.toolCalls()) {
                    ml.append(" tool_call ").append(c.name()).append('(').append(c.arguments()).append(')');
                }
                lines.add("  " + Text.cut(ml.toString().trim(), max));
            }
        }
        lines.add("resource: " + Text.cut(s.resource().attributes().asMap().entrySet().stream()
                .map(e -> e.getKey() + "=" + show(e.getValue())).reduce((x, y) -> x + ", " + y).orElse(""), max));
        if (from >= lines.size()) {
            throw ToolException.badArgument("cursor " + from + " is past the last line (" + lines.size() + ")");
        }
        int to = Math.min(lines.size(), from + limit);
        StringBuilder out = new StringBuilder();
        if (from > 0) {
            out.append("lines ").append(from + 1).append('-').append(to).append(" of ").append(lines.size()).append('\n');
        }
        lines.subList(from, to).forEach(l -> out.append(l).append('\n'));
        Optional<String> next = to < lines.size() ? Optional.of(Integer.toString(to)) : Optional.empty();
        next.ifPresent(c -> out.append("more: call again with cursor ").append(c).append('\n'));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("traceId", s.traceId().hex());
        data.put("spanId", s.spanId().hex());
        data.put("name", s.name());
        data.put("durationMs", s.durationNanos() / 1_000_000.0);
        data.put("status", s.status().code().name().toLowerCase(Locale.ROOT));
        data.put("statusMessage", s.status().message());
        Map<String, Object> attrData = new LinkedHashMap<>();
        new TreeMap<>(attrs).forEach((k, v) -> attrData.put(k, Text.cut(show(v), max)));
        data.put("attributes", attrData);
        data.put("events", s.events().stream().map(SpanEvent::name).toList());
        data.put("lines", lines.subList(from, to));
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }

    private static String show(AttributeValue v) {
        if (v instanceof AttributeValue.StringValue s) {
            return s.value();
        }
        if (v instanceof AttributeValue.BoolValue b) {
            return Boolean.toString(b.value());
        }
        if (v instanceof AttributeValue.LongValue l) {
            return Long.toString(l.value());
        }
        if (v instanceof AttributeValue.DoubleValue d) {
            return Double.toString(d.value());
        }
        if (v instanceof AttributeValue.BytesValue b) {
            return "<" + b.value().length + " bytes>";
        }
        if (v instanceof AttributeValue.ArrayValue arr) {
            return arr.values().stream().map(TraceTools::show).toList().toString();
        }
        if (v instanceof AttributeValue.MapValue m) {
            Map<String, String> shown = new LinkedHashMap<>();
            m.values().asMap().forEach((k, x) -> shown.put(k, show(x)));
            return shown.toString();
        }
        return String.valueOf(v);
    }

    // ---- search

    ToolResult search(ToolArgs a) {
        String text = a.required("text");
        TraceSearch.Builder b = TraceSearch.builder().text(text).limit(FOUND.of(a))
                .cursor(traceCursor(a));
        a.string("service").ifPresent(b::serviceName);
        a.time("since", clock.instant()).ifPresent(b::startFrom);
        TracePage page = page(b);
        List<String> words = Arrays.stream(text.toLowerCase(Locale.ROOT).split("\\s+")).filter(w -> !w.isEmpty()).toList();
        StringBuilder out = new StringBuilder();
        out.append(page.traces().size()).append(page.traces().size() == 1 ? " trace matches" : " traces match")
                .append(" '").append(text).append("' on this page, newest first\n");
        List<Object> rows = new ArrayList<>();
        for (TraceSummary s : page.traces()) {
            out.append(s.traceId().hex()).append("  ").append(workflow(s)).append("  ").append(s.serviceName())
                    .append("  ").append(Text.time(s.startTimeUnixNano())).append("  ")
                    .append(Text.duration(s.durationNanos())).append(s.errorCount() > 0 ? "  errors " + s.errorCount() : "")
                    .append('\n');
            List<Object> matched = new ArrayList<>();
            Optional<Trace> trace = query.trace(s.traceId());
            int shown = 0;
            int total = 0;
            for (Span sp : trace.map(Trace::spans).orElse(List.of())) {
                Optional<String> where = match(sp, words);
                if (where.isEmpty()) {
                    continue;
                }
                total++;
                if (shown < 3) {
                    shown++;
                    out.append("  #").append(sp.spanId().hex()).append(' ').append(Text.cut(sp.name(), 80)).append(' ')
                            .append(status(sp)).append(": ").append(where.get()).append('\n');
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("spanId", sp.spanId().hex());
                    m.put("name", sp.name());
                    m.put("match", where.get());
                    matched.add(m);
                }
            }
            if (total > shown) {
                out.append("  … ").append(total - shown).append(" more matching spans\n");
            }
            Map<String, Object> row = summaryData(s);
            row.put("matchingSpans", total);
            row.put("spans", matched);
            rows.add(row);
        }
        Optional<String> next = page.nextCursor().map(TraceCursor::encode);
        more(out, next);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("count", rows.size());
        data.put("traces", rows);
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }

    /** Where all the words occur in one span (name, status, attribute values), as a short snippet. */
    private static Optional<String> match(Span sp, List<String> words) {
        List<String> places = new ArrayList<>();
        places.add("name=" + sp.name());
        places.add("service=" + sp.serviceName());
        if (!sp.status().message().isEmpty()) {
            places.add("status=" + sp.status().message());
        }
        sp.attributes().asMap().forEach((k, v) -> places.add(k + "=" + show(v)));
        for (SpanEvent e : sp.events()) {
            e.attributes().asMap().forEach((k, v) -> places.add(e.name() + "." + k + "=" + show(v)));
        }
        Set<String> found = new HashSet<>();
        String snippet = null;
        for (String p : places) {
            String lower = p.toLowerCase(Locale.ROOT);
            for (String w : words) {
                int at = lower.indexOf(w);
                if (at >= 0) {
                    found.add(w);
                    if (snippet == null) {
                        int eq = p.indexOf('=');
                        int start = Math.max(eq + 1, at - 40);
                        snippet = p.substring(0, eq + 1) + (start > eq + 1 ? "…" : "")
                                + Text.cut(p.substring(start), 120);
                    }
                }
            }
        }
        return found.size() == words.size() ? Optional.ofNullable(snippet) : Optional.empty();
    }

    // ---- list_errors

    private TraceSearch.Builder windowed(ToolArgs a) {
        TraceSearch.Builder b = TraceSearch.builder();
        a.string("service").ifPresent(b::serviceName);
        a.string("workflow").ifPresent(w -> b.attribute("workflow.name", w));
        a.time("since", clock.instant()).ifPresent(b::startFrom);
        return b;
    }

    /** The newest summaries matching the search, up to {@code max}, page after page. */
    private List<TraceSummary> scan(TraceSearch.Builder b, int max) {
        List<TraceSummary> all = new ArrayList<>();
        Optional<TraceCursor> cursor = Optional.empty();
        do {
            TracePage p = page(b.limit(Math.min(SCAN_PAGE, max - all.size())).cursor(cursor));
            all.addAll(p.traces());
            cursor = p.nextCursor();
        } while (cursor.isPresent() && all.size() < max);
        return all;
    }

    private static final class ErrorGroup {
        final String kind;
        int spans;
        final Set<TraceId> traces = new HashSet<>();
        long lastSeen;
        TraceId example;
        SpanId exampleSpan;

        ErrorGroup(String kind) {
            this.kind = kind;
        }
    }

    ToolResult listErrors(ToolArgs a) {
        int limit = ERROR_GROUPS.of(a);
        int scanMax = a.integer("scan", 200, 1, 2000);
        // every run with a failed span, whether the run failed or recovered: both have errors to group
        List<TraceSummary> failing = scan(windowed(a).status(TraceStatusFilter.ERROR), scanMax);
        Map<String, ErrorGroup> groups = new LinkedHashMap<>();
        int spans = 0;
        for (TraceSummary s : failing) {
            Optional<Trace> t = query.trace(s.traceId());
            for (Span sp : t.map(Trace::spans).orElse(List.of())) {
                if (!SpanClassifier.classify(sp).failed() && !sp.isError()) {
                    continue;
                }
                spans++;
                String kind = errorKind(sp);
                ErrorGroup g = groups.computeIfAbsent(kind, ErrorGroup::new);
                g.spans++;
                g.traces.add(s.traceId());
                if (sp.startTimeUnixNano() >= g.lastSeen) {
                    g.lastSeen = sp.startTimeUnixNano();
                    g.example = s.traceId();
                    g.exampleSpan = sp.spanId();
                }
            }
        }
        List<ErrorGroup> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparingInt((ErrorGroup g) -> g.spans).reversed()
                .thenComparing(Comparator.comparingLong((ErrorGroup g) -> g.lastSeen).reversed()));
        StringBuilder out = new StringBuilder();
        out.append(spans).append(" failing spans in ").append(failing.size()).append(" failing traces")
                .append(failing.size() == scanMax ? " (the newest " + scanMax + "; raise scan for more)" : "")
                .append(", ").append(groups.size()).append(groups.size() == 1 ? " kind" : " kinds")
                .append(sorted.size() > limit ? ", top " + limit : "").append('\n');
        Text.Table t = new Text.Table("spans", "traces", "last_seen", "example_trace", "example_span", "kind");
        List<Object> rows = new ArrayList<>();
        for (ErrorGroup g : sorted.subList(0, Math.min(limit, sorted.size()))) {
            t.row(g.spans, g.traces.size(), Text.time(g.lastSeen), g.example.hex(), g.exampleSpan.hex(), g.kind);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", g.kind);
            m.put("spans", g.spans);
            m.put("traces", g.traces.size());
            m.put("lastSeen", Text.time(g.lastSeen));
            m.put("exampleTraceId", g.example.hex());
            m.put("exampleSpanId", g.exampleSpan.hex());
            rows.add(m);
        }
        if (t.size() > 0) {
            t.appendTo(out);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("failingSpans", spans);
        data.put("failingTraces", failing.size());
        data.put("kinds", groups.size());
        data.put("groups", rows);
        return new ToolResult(out.toString(), data);
    }

    /** The span name and what went wrong, numbers masked so that "c-991" and "c-992" are one kind. */
    private static String errorKind(Span sp) {
        String why = sp.status().message();
        for (SpanEvent e : sp.events()) {
            if (e.isException()) {
                AttributeValue type = e.attributes().asMap().get("exception.type");
                if (type instanceof AttributeValue.StringValue sv && !sv.value().isEmpty()) {
                    String simple = sv.value().substring(sv.value().lastIndexOf('.') + 1);
                    why = why.isEmpty() ? simple : simple + ": " + why;
                }
                break;
            }
        }
        String masked = why.replaceAll("\\d+", "#");
        return Text.cut(sp.name(), 60) + (masked.isEmpty() ? "" : ": " + Text.cut(masked, 100));
    }

    // ---- llm_calls

    private enum CallSort { COST, TOKENS, LATENCY }

    /** From the store's rows per call: every stored call counts, not only those of the newest traces. */
    ToolResult llmCalls(ToolArgs a) {
        CallSort sort = a.choice("sort", CallSort.class).orElse(CallSort.COST);
        int limit = CALLS.of(a);
        LlmCallSearch.Builder b = LlmCallSearch.builder().limit(limit).sort(switch (sort) {
            case COST -> LlmCallSort.COST;
            case TOKENS -> LlmCallSort.TOKENS;
            case LATENCY -> LlmCallSort.DURATION;
        }, true);
        Optional<String> only = a.string("trace_id");
        if (only.isPresent()) {
            TraceId id = traceId(only.get());
            if (query.trace(id).isEmpty()) {
                throw ToolException.notFound("no trace " + id.hex() + " is stored");
            }
            b.traceId(id);
        }
        a.string("model").ifPresent(b::model);
        a.string("provider").ifPresent(b::provider);
        a.string("service").ifPresent(b::service);
        a.string("workflow").ifPresent(b::workflow);
        a.time("since", clock.instant()).ifPresent(b::startFrom);
        LlmCallSearch search = b.build();
        LlmCallTotals totals = query.llmCallTotals(search);
        List<LlmCall> top = query.llmCalls(search).calls();
        StringBuilder out = new StringBuilder();
        out.append(totals.calls()).append(" LLM calls in ").append(totals.traces()).append(" traces: ")
                .append(totals.totalTokens()).append(" tokens, ").append(Text.cost(totals.costUsd()))
                .append(totals.unpricedCalls() > 0 ? " (" + totals.unpricedCalls() + " unpriced)" : "")
                .append(totals.failedCalls() > 0 ? ", " + totals.failedCalls() + " failed" : "")
                .append("; top ").append(top.size()).append(" by ")
                .append(sort.name().toLowerCase(Locale.ROOT)).append('\n');
        Text.Table t = new Text.Table("cost", "tokens_in→out", "latency", "status", "model", "trace_id", "span_id",
                "workflow");
        List<Object> rows = new ArrayList<>();
        for (LlmCall c : top) {
            String m = (c.provider().isEmpty() ? "" : c.provider() + "/") + (c.model().isEmpty() ? "?" : c.modelFamily());
            t.row(Text.cost(c.costUsd()), c.inputTokens() + "→" + c.outputTokens(), Text.duration(c.durationNanos()),
                    c.failed() ? "ERROR" : "ok", m, c.traceId().hex(), c.spanId().hex(), Text.cut(c.workflowName(), 60));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("traceId", c.traceId().hex());
            row.put("spanId", c.spanId().hex());
            row.put("workflow", c.workflowName());
            row.put("service", c.serviceName());
            row.put("provider", c.provider().isEmpty() ? null : c.provider());
            row.put("model", c.modelFamily().isEmpty() ? null : c.modelFamily());
            row.put("reportedModel", c.model().isEmpty() ? null : c.model());
            row.put("inputTokens", c.inputTokens());
            row.put("outputTokens", c.outputTokens());
            row.put("costUsd", c.costUsd().orElse(null));
            row.put("latencyMs", c.durationMs());
            row.put("error", c.failed());
            rows.add(row);
        }
        if (t.size() > 0) {
            t.appendTo(out);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("calls", totals.calls());
        data.put("traces", totals.traces());
        data.put("totalTokens", totals.totalTokens());
        data.put("totalCostUsd", totals.costUsd());
        data.put("unpricedCalls", totals.unpricedCalls());
        data.put("failedCalls", totals.failedCalls());
        data.put("sort", sort.name().toLowerCase(Locale.ROOT));
        data.put("top", rows);
        return new ToolResult(out.toString(), data);
    }

    // ---- workflow_stats

    private static final class WorkflowAcc {
        final String name;
        final List<Double> durations = new ArrayList<>();
        int errors;
        int needingRecovery;
        int recovered;
        long tokens;
        double cost;
        boolean priced;
        long cacheHits;
        long cacheMisses;
        long retries;
        long lastStart;

        WorkflowAcc(String name) {
            this.name = name;
        }
    }

    ToolResult workflowStats(ToolArgs a) {
        int limit = WORKFLOWS.of(a);
        TraceSearch.Builder b = TraceSearch.builder();
        a.string("service").ifPresent(b::serviceName);
        Optional<Long> since = a.time("since", clock.instant());
        since.ifPresent(b::startFrom);
        int max = 20_000;
        List<TraceSummary> runs = scan(b, max);
        Map<String, WorkflowAcc> byWorkflow = new LinkedHashMap<>();
        for (TraceSummary s : runs) {
            WorkflowAcc w = byWorkflow.computeIfAbsent(workflow(s) + " (" + s.serviceName() + ")", WorkflowAcc::new);
            WorkflowRollup r = s.rollup();
            w.durations.add(s.durationMs());
            // an error that a retry, fallback or handler absorbed is a recovery, not a failure
            boolean failed = s.outcome() == RunOutcome.FAILED;
            boolean hadTrouble = r.retries() > 0 || r.fallbacksUsed() > 0;
            if (hadTrouble) {
                w.needingRecovery++;
                if (!failed) {
                    w.recovered++;
                }
            }
            if (failed) {
                w.errors++;
            }
            w.tokens += r.totalTokens();
            if (r.costUsd().isPresent()) {
                w.cost += r.costUsd().get();
                w.priced = true;
            }
            w.cacheHits += r.cacheHits();
            w.cacheMisses += r.cacheMisses();
            w.retries += r.retries();
            w.lastStart = Math.max(w.lastStart, s.startTimeUnixNano());
        }
        List<WorkflowAcc> sorted = new ArrayList<>(byWorkflow.values());
        sorted.sort(Comparator.comparingInt((WorkflowAcc w) -> w.durations.size()).reversed()
                .thenComparing(w -> w.name));
        StringBuilder out = new StringBuilder();
        out.append(runs.size()).append(" runs of ").append(byWorkflow.size()).append(" workflows")
                .append(since.map(n -> " since " + Text.time(n)).orElse(" (all stored)"))
                .append(runs.size() == max ? " (the newest " + max + ")" : "").append('\n');
        Text.Table t = new Text.Table("workflow", "runs", "p50", "p95", "error_rate", "recovery_rate", "tokens",
                "cost", "cost/run", "cache_hit", "retries", "last_run");
        List<Object> rows = new ArrayList<>();
        for (WorkflowAcc w : sorted.subList(0, Math.min(limit, sorted.size()))) {
            double[] d = w.durations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = d.length;
            Optional<Double> recovery = w.needingRecovery == 0 ? Optional.empty()
                    : Optional.of((double) w.recovered / w.needingRecovery);
            long lookups = w.cacheHits + w.cacheMisses;
            Optional<Double> hitRate = lookups == 0 ? Optional.empty() : Optional.of((double) w.cacheHits / lookups);
            Optional<Double> cost = w.priced ? Optional.of(w.cost) : Optional.empty();
            t.row(w.name, n, Text.durationMs(nearestRank(d, 0.5)), Text.durationMs(nearestRank(d, 0.95)),
                    Text.percent((double) w.errors / n), recovery.map(Text::percent).orElse("-"), w.tokens,
                    Text.cost(cost), Text.cost(cost.map(c -> c / n)), hitRate.map(Text::percent).orElse("-"),
                    w.retries, Text.time(w.lastStart));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workflow", w.name);
            row.put("runs", n);
            row.put("p50Ms", nearestRank(d, 0.5));
            row.put("p95Ms", nearestRank(d, 0.95));
            row.put("errorRate", (double) w.errors / n);
            row.put("recoveryRate", recovery.orElse(null));
            row.put("tokens", w.tokens);
            row.put("costUsd", cost.orElse(null));
            row.put("cacheHitRate", hitRate.orElse(null));
            row.put("retries", w.retries);
            row.put("lastRun", Text.time(w.lastStart));
            rows.add(row);
        }
        if (t.size() > 0) {
            t.appendTo(out);
        }
        if (sorted.size() > limit) {
            out.append("… ").append(sorted.size() - limit).append(" more workflows; raise limit\n");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runs", runs.size());
        data.put("workflows", rows);
        return new ToolResult(out.toString(), data);
    }

    // ---- compare_runs

    ToolResult compareRuns(ToolArgs a) {
        int limit = COMPARED.of(a);
        TraceId id = traceId(a.required("trace_id"));
        Trace run = query.trace(id).orElseThrow(() -> ToolException.notFound("no trace " + id.hex() + " is stored"));
        Optional<String> other = a.string("baseline_trace_id");
        StringBuilder out = new StringBuilder();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("traceId", id.hex());
        Optional<Trace> baseline;
        if (other.isPresent()) {
            TraceId bid = traceId(other.get());
            baseline = Optional.of(query.trace(bid).orElseThrow(
                    () -> ToolException.notFound("no trace " + bid.hex() + " is stored")));
            out.append("run ").append(id.hex()).append(" vs ").append(bid.hex()).append('\n');
            totals(out, baseline.get().summary(), run.summary());
        } else {
            CompareRuns.BaselineComparison c = compare.compareWithBaseline(run);
            RegressionReport r = c.report();
            out.append("run ").append(id.hex()).append(" (").append(workflow(run.summary())).append(") vs the median of ")
                    .append(r.baselineRuns()).append(" earlier runs: ")
                    .append(!r.enoughBaseline() ? "too few earlier runs to judge"
                            : r.regressed() ? "REGRESSED" : "no regression").append('\n');
            for (RegressionReport.Finding f : r.findings()) {
                out.append("  ").append(f.metric().name().toLowerCase(Locale.ROOT)).append(' ')
                        .append(metric(f.metric(), f.actual())).append(" vs median ")
                        .append(metric(f.metric(), f.baselineMedian()))
                        .append(f.increasePercent().map(p -> String.format(Locale.ROOT, " (%+.0f%%)", p)).orElse(""))
                        .append(f.regressed() ? "  REGRESSED" : "").append('\n');
            }
            data.put("baselineRuns", r.baselineRuns());
            data.put("enoughBaseline", r.enoughBaseline());
            data.put("regressed", r.enoughBaseline() && r.regressed());
            data.put("findings", r.findings().stream().map(f -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("metric", f.metric().name().toLowerCase(Locale.ROOT));
                m.put("actual", f.actual());
                m.put("baselineMedian", f.baselineMedian());
                m.put("increasePercent", f.increasePercent().orElse(null));
                m.put("regressed", f.regressed());
                return m;
            }).toList());
            baseline = c.previousRun().flatMap(query::trace);
            baseline.ifPresentOrElse(
                    b -> out.append("span by span against the previous run ").append(b.traceId().hex()).append(":\n"),
                    () -> out.append("no earlier run to match span by span\n"));
        }
        baseline.ifPresent(b -> {
            data.put("baselineTraceId", b.traceId().hex());
            spanBySpan(out, data, b, run, limit);
        });
        return new ToolResult(out.toString(), data);
    }

    private static String metric(RegressionReport.Metric m, double v) {
        return switch (m) {
            case DURATION_MS -> Text.durationMs(v);
            case COST_USD -> Text.cost(v);
            default -> v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
        };
    }

    private static void totals(StringBuilder out, TraceSummary before, TraceSummary after) {
        out.append("  duration ").append(Text.duration(before.durationNanos())).append(" → ")
                .append(Text.duration(after.durationNanos())).append(change(before.durationNanos(), after.durationNanos()))
                .append("; tokens ").append(before.rollup().totalTokens()).append(" → ").append(after.rollup().totalTokens())
                .append("; cost ").append(Text.cost(before.rollup().costUsd())).append(" → ")
                .append(Text.cost(after.rollup().costUsd()))
                .append("; errors ").append(before.errorCount()).append(" → ").append(after.errorCount())
                .append("; spans ").append(before.spanCount()).append(" → ").append(after.spanCount()).append('\n');
    }

    private static String change(double before, double after) {
        if (before == 0) {
            return "";
        }
        return String.format(Locale.ROOT, " (%+.0f%%)", (after - before) / before * 100);
    }

    private void spanBySpan(StringBuilder out, Map<String, Object> data, Trace before, Trace after, int limit) {
        // the dashboard's compare rule: by path and position, LLM calls across model changes
        List<dev.tta.obs.domain.compare.SpanMatching.Match> matches =
                dev.tta.obs.domain.compare.SpanMatching.match(before.spans(), after.spans());
        Map<SpanId, Long> selfBefore = TraceTimeline.of(before).selfTimeNs();
        Map<SpanId, Long> selfAfter = TraceTimeline.of(after).selfTimeNs();
        // a parent is slower whenever a child is: rank by the span's own time, so the step that
        // changed comes first and its parents do not crowd it out
        record Pair(String key, Span before, Span after, long ownDelta) {
        }
        List<Pair> pairs = new ArrayList<>();
        List<Span> added = new ArrayList<>();
        List<Span> missing = new ArrayList<>();
        for (dev.tta.obs.domain.compare.SpanMatching.Match m : matches) {
            if (m.a().isEmpty()) {
                added.add(m.b().get());
            } else if (m.b().isEmpty()) {
                missing.add(m.a().get());
            } else {
                Span old = m.a().get();
                Span now = m.b().get();
                pairs.add(new Pair(m.path(), old, now, selfAfter.getOrDefault(now.spanId(), 0L)
                        - selfBefore.getOrDefault(old.spanId(), 0L)));
            }
        }
        // slower by at least 1 ms and 10% of its own time: noise below that tells an agent nothing
        List<Pair> slower = pairs.stream().filter(p -> p.ownDelta() >= 1_000_000
                        && p.ownDelta() * 10 >= selfBefore.getOrDefault(p.before().spanId(), 0L))
                .sorted(Comparator.comparingLong(Pair::ownDelta).reversed()).toList();
        out.append("  matched ").append(pairs.size()).append(" spans; slower in their own time ").append(slower.size())
                .append("; added ").append(added.size()).append("; missing ").append(missing.size()).append('\n');
        out.append("slower (own time added; whole span before → after):\n");
        List<Object> slowerData = new ArrayList<>();
        for (Pair p : slower.subList(0, Math.min(limit, slower.size()))) {
            out.append("  +").append(Text.duration(p.ownDelta())).append("  ").append(Text.cut(p.after().name(), 80))
                    .append("  ").append(Text.duration(p.before().durationNanos())).append(" → ")
                    .append(Text.duration(p.after().durationNanos())).append("  #").append(p.after().spanId().hex())
                    .append('\n');
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.after().name());
            m.put("spanId", p.after().spanId().hex());
            m.put("ownTimeAddedMs", p.ownDelta() / 1_000_000.0);
            m.put("beforeMs", p.before().durationNanos() / 1_000_000.0);
            m.put("afterMs", p.after().durationNanos() / 1_000_000.0);
            slowerData.add(m);
        }
        if (slower.isEmpty()) {
            out.append("  none\n");
        }
        List<Object> costlier = new ArrayList<>();
        out.append("costlier LLM calls:\n");
        for (Pair p : pairs) {
            Optional<Double> cb = spanCost(p.before());
            Optional<Double> ca = spanCost(p.after());
            if (ca.isPresent() && ca.get() > cb.orElse(0.0) && costlier.size() < limit) {
                out.append("  ").append(Text.cut(p.after().name(), 80)).append("  ").append(Text.cost(cb)).append(" → ")
                        .append(Text.cost(ca)).append("  #").append(p.after().spanId().hex()).append('\n');
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", p.after().name());
                m.put("spanId", p.after().spanId().hex());
                m.put("beforeUsd", cb.orElse(null));
                m.put("afterUsd", ca.get());
                costlier.add(m);
            }
        }
        if (costlier.isEmpty()) {
            out.append("  none\n");
        }
        List<Object> failing = new ArrayList<>();
        out.append("newly failing:\n");
        for (Pair p : pairs) {
            if (p.after().isError() && !p.before().isError() && failing.size() < limit) {
                failing.add(failure(out, p.after()));
            }
        }
        for (Span s : added) {
            if (s.isError() && failing.size() < limit) {
                failing.add(failure(out, s));
            }
        }
        if (failing.isEmpty()) {
            out.append("  none\n");
        }
        Function<List<Span>, String> names = l -> Text.cut(String.join(", ",
                l.stream().map(Span::name).distinct().limit(limit).toList()), 400);
        if (!added.isEmpty()) {
            out.append("added spans: ").append(names.apply(added)).append('\n');
        }
        if (!missing.isEmpty()) {
            out.append("missing spans: ").append(names.apply(missing)).append('\n');
        }
        data.put("matchedSpans", pairs.size());
        data.put("slower", slowerData);
        data.put("costlier", costlier);
        data.put("newlyFailing", failing);
        data.put("addedSpans", added.stream().map(Span::name).distinct().toList());
        data.put("missingSpans", missing.stream().map(Span::name).distinct().toList());
    }

    private static Map<String, Object> failure(StringBuilder out, Span s) {
        out.append("  ").append(Text.cut(s.name(), 80)).append("  ").append(status(s)).append("  #")
                .append(s.spanId().hex()).append('\n');
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("spanId", s.spanId().hex());
        m.put("statusMessage", s.status().message());
        return m;
    }

    private Optional<Double> spanCost(Span s) {
        return LlmUsage.from(s).flatMap(u -> CostSummary.of(List.of(u.toModelUsage()), prices).costUsd());
    }

    // ---- regressions

    ToolResult regressions(ToolArgs a) {
        TraceSearch.Builder b = TraceSearch.builder().regressionsOnly(true).limit(REGRESSIONS.of(a))
                .cursor(traceCursor(a));
        a.string("service").ifPresent(b::serviceName);
        a.time("since", clock.instant()).ifPresent(b::startFrom);
        TracePage page = page(b);
        StringBuilder out = new StringBuilder();
        out.append(page.traces().size()).append(page.traces().size() == 1 ? " run" : " runs")
                .append(" flagged as regressions on this page, newest first\n");
        List<Object> rows = new ArrayList<>();
        for (TraceSummary s : page.traces()) {
            Optional<CompareRuns.BaselineComparison> c = compare.compareWithBaseline(s.traceId());
            List<String> what = new ArrayList<>();
            c.ifPresent(cmp -> {
                for (RegressionReport.Finding f : cmp.report().regressions()) {
                    what.add(f.metric().name().toLowerCase(Locale.ROOT) + " " + metric(f.metric(), f.actual()) + " vs "
                            + metric(f.metric(), f.baselineMedian())
                            + f.increasePercent().map(p -> String.format(Locale.ROOT, " (%+.0f%%)", p)).orElse(""));
                }
                if (cmp.report().structureChanged()) {
                    what.add("spans changed");
                }
            });
            out.append(s.traceId().hex()).append("  ").append(workflow(s)).append("  ").append(s.serviceName())
                    .append("  ").append(Text.time(s.startTimeUnixNano())).append("  ")
                    .append(what.isEmpty() ? "no longer regressed when compared afresh" : String.join("; ", what))
                    .append('\n');
            Map<String, Object> row = summaryData(s);
            row.put("regressed", what);
            row.put("previousRunTraceId", c.flatMap(CompareRuns.BaselineComparison::previousRun).map(TraceId::hex)
                    .orElse(null));
            rows.add(row);
        }
        if (!page.traces().isEmpty()) {
            out.append("details: compare_runs with trace_id\n");
        }
        Optional<String> next = page.nextCursor().map(TraceCursor::encode);
        more(out, next);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("count", rows.size());
        data.put("runs", rows);
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }
}
