package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.llm.ChatMessage;
import dev.tta.obs.domain.llm.ChatMessages;
import dev.tta.obs.domain.llm.LlmUsage;
import dev.tta.obs.domain.workflow.PrimitiveKind;
import dev.tta.obs.domain.workflow.SpanClassifier;
import dev.tta.obs.domain.workflow.SpanInsight;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.regression.RegressionReport;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.in.JsonShapes;
import dev.tta.obs.domain.query.BudgetStatus;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.in.TraceTimeline;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's JSON shapes, built explicitly so the public contract never changes by accident when
 * the domain does. Attribute values carry their OpenTelemetry type: {@code {"type": "int",
 * "value": 42}}; an int64 beyond 2^53 is written as a string so JavaScript does not round it.
 */
final class TraceJson {
    private static final long MAX_SAFE_JS_INTEGER = (1L << 53) - 1;

    private TraceJson() {
    }

    static Map<String, Object> summary(TraceSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", s.traceId().hex());
        m.put("rootName", s.rootName());
        m.put("serviceName", s.serviceName());
        JsonShapes.timeRange(m, s.startTimeUnixNano(), s.endTimeUnixNano());
        m.put("spanCount", s.spanCount());
        m.put("errorCount", s.errorCount());
        // a run whose errors a retry or fallback absorbed is "recovered", not "failed"
        m.put("outcome", s.outcome().label());
        m.put("rootFound", s.rootFound());
        m.put("services", s.services());
        WorkflowRollup r = s.rollup();
        m.put("primitiveTypes", r.primitiveTypes());
        m.put("cacheHits", r.cacheHits());
        m.put("cacheMisses", r.cacheMisses());
        m.put("retries", r.retries());
        m.put("retryAttempts", r.retryAttempts());
        m.put("fallbacksUsed", r.fallbacksUsed());
        m.put("timeouts", r.timeouts());
        m.put("compensations", r.compensations());
        m.put("llmCalls", r.llmCalls());
        m.put("callsWithoutUsage", r.modelUsage().stream().mapToInt(u -> u.callsWithoutUsage()).sum());
        m.put("inputTokens", r.inputTokens());
        m.put("outputTokens", r.outputTokens());
        m.put("cachedInputTokens", r.cachedInputTokens());
        m.put("reasoningTokens", r.reasoningTokens());
        m.put("totalTokens", r.totalTokens());
        m.put("costUsd", r.costUsd().orElse(null));
        // "unpriced" must never look like $0: the status says why costUsd is null or partial
        m.put("costStatus", r.costStatus().name().toLowerCase(java.util.Locale.ROOT));
        m.put("unpricedModels", r.unpricedModels());
        List<Object> usage = new ArrayList<>(r.modelUsage().size());
        for (var u : r.modelUsage()) {
            Map<String, Object> um = new LinkedHashMap<>();
            um.put("provider", u.provider());
            um.put("model", u.model());
            um.put("calls", u.calls());
            um.put("callsWithoutUsage", u.callsWithoutUsage());
            um.put("inputTokens", u.inputTokens());
            um.put("cachedInputTokens", u.cachedInputTokens());
            um.put("outputTokens", u.outputTokens());
            um.put("reasoningTokens", u.reasoningTokens());
            um.put("reportedCostUsd", u.reportedCostUsd().orElse(null));
            usage.add(um);
        }
        m.put("modelUsage", usage);
        m.put("workflowId", r.workflowId().orElse(null));
        m.put("workflowName", r.workflowName().orElse(null));
        m.put("sessionId", r.sessionId().orElse(null));
        m.put("userId", r.userId().orElse(null));
        return m;
    }

    /** The trace detail: spans in tree order with depth and self time, and the critical path. */
    static Map<String, Object> timeline(TraceTimeline t, PriceTable prices) {
        return timeline(t, prices, Map.of());
    }

    /** @param messageLogs GenAI message log records per span, as events (see {@link ChatMessages#logRecordEvent}) */
    static Map<String, Object> timeline(TraceTimeline t, PriceTable prices, Map<SpanId, List<SpanEvent>> messageLogs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", t.trace().traceId().hex());
        m.put("summary", summary(t.trace().summary()));
        List<Object> spans = new ArrayList<>(t.trace().spans().size());
        for (Span s : t.trace().spans()) {
            Map<String, Object> sm = span(s, t);
            addInsights(sm, s, prices, messageLogs.getOrDefault(s.spanId(), List.of()));
            spans.add(sm);
        }
        m.put("spans", spans);
        List<String> path = new ArrayList<>(t.criticalPath().size());
        t.criticalPath().forEach(id -> path.add(id.hex()));
        m.put("criticalPath", path);
        return m;
    }

    /** Column names of {@link #slimTimeline}'s span rows, in order; docs/api.md lists them. */
    static final List<String> SLIM_FIELDS = List.of("spanId", "parentSpanId", "depth", "name", "service", "kind",
            "startOffsetNs", "durationNs", "status", "statusMessage", "flags", "primitive", "llm");
    /** {@code flags} bit: the span recorded an exception event. */
    static final int SLIM_EXCEPTION = 1;

    /**
     * What the waterfall and minimap draw, and nothing else: one array per span (columns in
     * {@link #SLIM_FIELDS}), services by index, times as offsets from the trace's first start so
     * they stay exact in JavaScript. Attributes, events, links and chat messages stay on the server
     * until a span is opened ({@code GET /api/traces/{traceId}/spans/{spanId}}).
     */
    static Map<String, Object> slimTimeline(TraceTimeline t, PriceTable prices) {
        List<Span> all = t.trace().spans();
        long first = Long.MAX_VALUE;
        for (Span s : all) {
            first = Math.min(first, s.startTimeUnixNano());
        }
        Map<String, Integer> serviceIndex = new LinkedHashMap<>();
        List<Object> rows = new ArrayList<>(all.size());
        for (Span s : all) {
            Object[] row = new Object[SLIM_FIELDS.size()];
            row[0] = s.spanId().hex();
            row[1] = s.parentSpanId().map(SpanId::hex).orElse(null);
            row[2] = t.depth().getOrDefault(s.spanId(), 0);
            row[3] = s.name();
            String service = s.resource().attributes().getString("service.name").orElse("");
            row[4] = serviceIndex.computeIfAbsent(service, k -> serviceIndex.size());
            row[5] = s.kind().name();
            row[6] = s.startTimeUnixNano() - first;
            row[7] = s.durationNanos();
            row[8] = s.status().code().name();
            row[9] = s.failed() && !s.status().message().isEmpty() ? s.status().message() : null;
            int flags = 0;
            for (SpanEvent e : s.events()) {
                if (e.name().equals("exception")) {
                    flags |= SLIM_EXCEPTION;
                    break;
                }
            }
            row[10] = flags;
            Map<String, Object> insights = new LinkedHashMap<>();
            addInsights(insights, s, prices, List.of(), false);
            row[11] = withoutNulls(insights.get("primitive"));
            row[12] = withoutNulls(insights.get("llm"));
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", t.trace().traceId().hex());
        m.put("summary", summary(t.trace().summary()));
        m.put("startTimeUnixNano", nanos(all.isEmpty() ? 0 : first));
        m.put("services", new ArrayList<>(serviceIndex.keySet()));
        m.put("fields", SLIM_FIELDS);
        m.put("spans", rows);
        List<String> path = new ArrayList<>(t.criticalPath().size());
        t.criticalPath().forEach(id -> path.add(id.hex()));
        m.put("criticalPath", path);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Object withoutNulls(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : ((Map<String, Object>) map).entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), withoutNulls(e.getValue()));
            }
        }
        return out;
    }

    /**
     * The run against the median of its previous runs: {@code summary.regression} (a boolean the list
     * and badges read), {@code summary.baselineTraceId} (the previous run, for "compare"), and the
     * details under {@code baseline}.
     */
    @SuppressWarnings("unchecked")
    static void addBaseline(Map<String, Object> body, CompareRuns.BaselineComparison c) {
        RegressionReport r = c.report();
        Map<String, Object> summary = (Map<String, Object>) body.get("summary");
        summary.put("regression", r.enoughBaseline() && r.regressed());
        summary.put("baselineTraceId", c.previousRun().map(TraceId::hex).orElse(null));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("key", r.key().value());
        b.put("baselineRuns", r.baselineRuns());
        b.put("enoughBaseline", r.enoughBaseline());
        b.put("regressed", r.enoughBaseline() && r.regressed());
        List<Object> findings = new ArrayList<>();
        for (RegressionReport.Finding f : r.findings()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("metric", f.metric().name().toLowerCase(java.util.Locale.ROOT));
            fm.put("baselineMedian", f.baselineMedian());
            fm.put("actual", f.actual());
            fm.put("ratio", f.ratio().orElse(null));
            fm.put("increasePercent", f.increasePercent().orElse(null));
            fm.put("regressed", f.regressed());
            findings.add(fm);
        }
        b.put("findings", findings);
        b.put("addedSpanNames", r.addedSpanNames());
        b.put("missingSpanNames", r.missingSpanNames());
        body.put("baseline", b);
    }

    static Map<String, Object> span(Span s, TraceTimeline t) {
        Map<String, Object> m = span(s, t.depth().getOrDefault(s.spanId(), 0));
        Map<String, Object> ordered = new LinkedHashMap<>();
        // selfTimeMs next to durationMs, where a reader of the JSON looks for it
        for (var e : m.entrySet()) {
            ordered.put(e.getKey(), e.getValue());
            if (e.getKey().equals("durationMs")) {
                ordered.put("selfTimeMs", t.selfTimeNs().getOrDefault(s.spanId(), 0L) / 1_000_000.0);
            }
        }
        return ordered;
    }

    static Map<String, Object> stats(TraceStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceCount", s.traceCount());
        m.put("avgDurationMs", s.avgDurationMs());
        m.put("p50Ms", s.p50Ms());
        m.put("p95Ms", s.p95Ms());
        m.put("p99Ms", s.p99Ms());
        m.put("errorRate", s.errorRate());
        m.put("recoveryRate", s.recoveryRate());
        m.put("costTodayUsd", s.costTodayUsd().orElse(null));
        return m;
    }

    /** Today's spending against the budgets; see docs/api.md, "Budgets". */
    static Map<String, Object> budget(BudgetStatus b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dailyUsd", b.budget().dailyUsd().orElse(null));
        m.put("spentTodayUsd", b.spentTodayUsd());
        m.put("runUsd", b.budget().runUsd().orElse(null));
        m.put("runsOverBudget", b.runsOverBudget());
        m.put("dailyExceeded", b.dailyExceeded());
        m.put("exceeded", b.exceeded());
        m.put("costliestRun", b.costliestRun().map(r -> {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("traceId", r.traceId().hex());
            run.put("costUsd", r.costUsd());
            return run;
        }).orElse(null));
        return m;
    }

    static Map<String, Object> span(Span s, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", s.traceId().hex());
        m.put("spanId", s.spanId().hex());
        m.put("parentSpanId", s.parentSpanId().map(p -> p.hex()).orElse(null));
        m.put("depth", depth);
        m.put("name", s.name());
        m.put("kind", s.kind().name());
        JsonShapes.timeRange(m, s.startTimeUnixNano(), s.endTimeUnixNano());
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("code", s.status().code().name());
        status.put("message", s.status().message());
        m.put("status", status);
        m.put("traceState", s.traceState());
        m.put("flags", s.flags());
        m.put("attributes", attributes(s.attributes()));
        m.put("droppedAttributesCount", s.droppedAttributesCount());
        List<Object> events = new ArrayList<>(s.events().size());
        for (SpanEvent e : s.events()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("timeUnixNano", nanos(e.timeUnixNano()));
            // signed: an event stamped before its span started (clock skew) has a negative offset
            em.put("offsetMs", (e.timeUnixNano() - s.startTimeUnixNano()) / 1_000_000.0);
            em.put("name", e.name());
            em.put("attributes", attributes(e.attributes()));
            em.put("droppedAttributesCount", e.droppedAttributesCount());
            events.add(em);
        }
        m.put("events", events);
        m.put("droppedEventsCount", s.droppedEventsCount());
        List<Object> links = new ArrayList<>(s.links().size());
        for (SpanLink l : s.links()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("traceId", l.traceId().hex());
            lm.put("spanId", l.spanId().hex());
            lm.put("traceState", l.traceState());
            lm.put("attributes", attributes(l.attributes()));
            lm.put("droppedAttributesCount", l.droppedAttributesCount());
            links.add(lm);
        }
        m.put("links", links);
        m.put("droppedLinksCount", s.droppedLinksCount());
        m.put("resource", resource(s.resource()));
        m.put("scope", scope(s.scope()));
        return m;
    }

    /** What the domain understands about a span: its primitive and, for LLM calls, usage, cost and chat. */
    static void addInsights(Map<String, Object> m, Span s, PriceTable prices, List<SpanEvent> messageLogs) {
        addInsights(m, s, prices, messageLogs, true);
    }

    /** @param messages whether {@code llm} carries the chat; the slim timeline leaves it for the span detail */
    static void addInsights(Map<String, Object> m, Span s, PriceTable prices, List<SpanEvent> messageLogs, boolean messages) {
        SpanInsight insight = SpanClassifier.classify(s);
        if (insight.kind() != PrimitiveKind.OTHER) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("kind", insight.kind().label());
            pm.put("type", insight.primitiveType().orElse(null));
            pm.put("name", insight.primitiveName().orElse(null));
            pm.put("badges", insight.badges());
            pm.put("cacheHit", insight.cacheHit().orElse(null));
            insight.retry().ifPresent(r -> {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("attempt", r.attempt().orElse(null));
                rm.put("maxAttempts", r.maxAttempts().orElse(null));
                rm.put("finalAttempts", r.finalAttempts().orElse(null));
                rm.put("succeeded", r.succeeded().orElse(null));
                pm.put("retry", rm);
            });
            insight.fallback().ifPresent(f -> {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("used", f.used());
                fm.put("from", f.from().orElse(null));
                fm.put("to", f.to().orElse(null));
                pm.put("fallback", fm);
            });
            insight.timeout().ifPresent(t -> pm.put("timeoutFired", t.fired()));
            insight.circuitState().ifPresent(c -> pm.put("circuitState", c));
            insight.route().ifPresent(r -> pm.put("route", r.taken().orElse(null)));
            insight.compensated().ifPresent(c -> pm.put("compensated", c));
            m.put("primitive", pm);
        }
        java.util.Optional<LlmUsage> usage = LlmUsage.from(s);
        if (usage.isEmpty() && (insight.kind() == PrimitiveKind.LLM || insight.kind() == PrimitiveKind.EMBEDDING)) {
            // a call that names no model and counts nothing is still a call, of unknown cost
            usage = java.util.Optional.of(LlmUsage.unknown(java.util.Optional.empty()));
        }
        usage.ifPresent(u -> {
            Map<String, Object> lm = new LinkedHashMap<>();
            // the family groups usage and finds prices; the exact name is what the call reported
            lm.put("model", u.model().orElse(null));
            lm.put("reportedModel", u.reportedModel().orElse(null));
            lm.put("provider", u.provider().orElse(null));
            lm.put("usageReported", u.tokensReported());
            lm.put("inputTokens", u.inputTokens());
            lm.put("cachedInputTokens", u.cachedInputTokens());
            lm.put("outputTokens", u.outputTokens());
            lm.put("reasoningTokens", u.reasoningTokens());
            CostSummary cost = CostSummary.of(List.of(u.toModelUsage(s.failed())), prices);
            lm.put("costUsd", cost.costUsd().orElse(null));
            lm.put("costStatus", cost.status().name().toLowerCase(java.util.Locale.ROOT));
            if (!messages) {
                m.put("llm", lm);
                return;
            }
            List<Object> chat = new ArrayList<>();
            for (ChatMessage msg : ChatMessages.from(s, messageLogs)) {
                Map<String, Object> mm = new LinkedHashMap<>();
                mm.put("role", msg.role());
                mm.put("content", msg.content());
                List<Object> calls = new ArrayList<>();
                for (ChatMessage.ToolCall c : msg.toolCalls()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("id", c.id().orElse(null));
                    cm.put("name", c.name());
                    cm.put("arguments", c.arguments());
                    calls.add(cm);
                }
                mm.put("toolCalls", calls);
                mm.put("toolCallId", msg.toolCallId().orElse(null));
                chat.add(mm);
            }
            lm.put("messages", chat);
            m.put("llm", lm);
        });
    }

    /**
     * A time in unix nanoseconds. OTLP times are unsigned 64-bit: one past 2^63 ns is a large
     * positive number, written as such (never as the negative Java long it is held in).
     */
    static Object nanos(long unixNano) {
        return JsonShapes.nanos(unixNano);
    }

    static Map<String, Object> resource(Resource r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attributes", attributes(r.attributes()));
        m.put("droppedAttributesCount", r.droppedAttributesCount());
        return m;
    }

    static Map<String, Object> scope(InstrumentationScope s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("version", s.version());
        m.put("attributes", attributes(s.attributes()));
        m.put("droppedAttributesCount", s.droppedAttributesCount());
        return m;
    }

    static Map<String, Object> attributes(Attributes attributes) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var e : attributes.asMap().entrySet()) {
            m.put(e.getKey(), value(e.getValue()));
        }
        return m;
    }

    static Map<String, Object> value(AttributeValue v) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        if (v instanceof AttributeValue.StringValue s) {
            m.put("type", "string");
            m.put("value", s.value());
        } else if (v instanceof AttributeValue.BoolValue b) {
            m.put("type", "bool");
            m.put("value", b.value());
        } else if (v instanceof AttributeValue.LongValue l) {
            m.put("type", "int");
            m.put("value", Math.abs(l.value()) > MAX_SAFE_JS_INTEGER ? Long.toString(l.value()) : l.value());
        } else if (v instanceof AttributeValue.DoubleValue d) {
            m.put("type", "double");
            m.put("value", Double.isFinite(d.value()) ? d.value() : Double.toString(d.value()));
        } else if (v instanceof AttributeValue.BytesValue b) {
            m.put("type", "bytes");
            m.put("value", Base64.getEncoder().encodeToString(b.value()));
        } else if (v instanceof AttributeValue.ArrayValue a) {
            m.put("type", "array");
            List<Object> values = new ArrayList<>(a.values().size());
            for (AttributeValue e : a.values()) {
                values.add(value(e));
            }
            m.put("value", values);
        } else if (v instanceof AttributeValue.MapValue mv) {
            m.put("type", "map");
            m.put("value", attributes(mv.values()));
        }
        return m;
    }
}
