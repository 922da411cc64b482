package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.ports.in.TraceStats;
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
        m.put("startTimeUnixNano", s.startTimeUnixNano());
        m.put("endTimeUnixNano", s.endTimeUnixNano());
        m.put("durationMs", s.durationMs());
        m.put("spanCount", s.spanCount());
        m.put("errorCount", s.errorCount());
        m.put("rootFound", s.rootFound());
        m.put("services", s.services());
        WorkflowRollup r = s.rollup();
        m.put("primitiveTypes", r.primitiveTypes());
        m.put("cacheHits", r.cacheHits());
        m.put("cacheMisses", r.cacheMisses());
        m.put("retries", r.retries());
        m.put("fallbacksUsed", r.fallbacksUsed());
        m.put("llmCalls", r.llmCalls());
        m.put("inputTokens", r.inputTokens());
        m.put("outputTokens", r.outputTokens());
        m.put("cachedInputTokens", r.cachedInputTokens());
        m.put("reasoningTokens", r.reasoningTokens());
        m.put("costUsd", r.costUsd().orElse(null));
        m.put("workflowId", r.workflowId().orElse(null));
        m.put("workflowName", r.workflowName().orElse(null));
        m.put("sessionId", r.sessionId().orElse(null));
        return m;
    }

    /** The trace detail: spans in tree order with depth and self time, and the critical path. */
    static Map<String, Object> timeline(TraceTimeline t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", t.trace().traceId().hex());
        m.put("summary", summary(t.trace().summary()));
        List<Object> spans = new ArrayList<>(t.trace().spans().size());
        for (Span s : t.trace().spans()) {
            spans.add(span(s, t));
        }
        m.put("spans", spans);
        List<String> path = new ArrayList<>(t.criticalPath().size());
        t.criticalPath().forEach(id -> path.add(id.hex()));
        m.put("criticalPath", path);
        return m;
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
        m.put("costTodayUsd", s.costTodayUsd().orElse(null));
        return m;
    }

    static Map<String, Object> trace(Trace trace) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", trace.traceId().hex());
        m.put("summary", summary(trace.summary()));
        // spans arrive in tree order, so each parent's depth is known before its children's
        Map<String, Integer> depth = new HashMap<>();
        List<Object> spans = new ArrayList<>(trace.spans().size());
        for (Span s : trace.spans()) {
            int d = s.parentSpanId().map(p -> depth.getOrDefault(p.hex(), -1) + 1).orElse(0);
            depth.put(s.spanId().hex(), d);
            spans.add(span(s, d));
        }
        m.put("spans", spans);
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
        m.put("startTimeUnixNano", s.startTimeUnixNano());
        m.put("endTimeUnixNano", s.endTimeUnixNano());
        m.put("durationMs", s.durationNanos() / 1_000_000.0);
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
            em.put("timeUnixNano", e.timeUnixNano());
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
