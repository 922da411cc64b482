package dev.tta.obs.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds traces from spans that arrive in any order, possibly more than once. Deterministic: the
 * same set of spans gives the same summary and the same span order whatever the arrival order.
 */
public final class TraceAssembler {
    private static final Comparator<Span> BY_START = Comparator
            .comparingLong(Span::startTimeUnixNano)
            .thenComparing(Span::spanId);

    private final WorkflowRollupCalculator rollups;

    public TraceAssembler(WorkflowRollupCalculator rollups) {
        this.rollups = rollups;
    }

    /**
     * Removes repeated span ids. A resent batch carries the same span again; the later copy wins
     * only if it ended later (an SDK that re-exports an updated span), otherwise the first stays.
     */
    public static List<Span> distinct(Collection<Span> spans) {
        Map<SpanId, Span> byId = new LinkedHashMap<>(Math.max(16, spans.size() * 2));
        for (Span span : spans) {
            byId.merge(span.spanId(), span, (a, b) -> b.endTimeUnixNano() > a.endTimeUnixNano() ? b : a);
        }
        return new ArrayList<>(byId.values());
    }

    public TraceSummary summarize(TraceId traceId, Collection<Span> allSpans) {
        List<Span> spans = distinct(allSpans);
        requireSpans(spans);
        return summarize(traceId, spans, rollups.rollup(spans));
    }

    /** A trace's summary and its LLM calls (those its rollup counts), from one pass of the rollup. */
    public record Summarized(TraceSummary summary, List<LlmCall> llmCalls) {
        public Summarized {
            llmCalls = List.copyOf(llmCalls);
        }
    }

    /** Like {@link #summarize}, with the trace's LLM calls as rows of their own (the LLM calls list stores them). */
    public Summarized summarizeWithCalls(TraceId traceId, Collection<Span> allSpans) {
        List<Span> spans = distinct(allSpans);
        requireSpans(spans);
        WorkflowRollupCalculator.WithCalls counted = rollups.rollupWithCalls(spans);
        TraceSummary summary = summarize(traceId, spans, counted.rollup());
        String workflow = counted.rollup().workflowName().filter(n -> !n.isBlank()).orElse(summary.rootName());
        List<LlmCall> calls = new ArrayList<>(counted.calls().size());
        for (WorkflowRollupCalculator.CountedCall c : counted.calls()) {
            Span s = c.span();
            String family = c.usage().model();
            calls.add(new LlmCall(traceId, s.spanId(), c.reportedModel().orElse(family), family,
                    c.usage().provider(), c.usage().inputTokens(), c.usage().cachedInputTokens(),
                    c.usage().outputTokens(), c.usage().reasoningTokens(),
                    c.usage().inputTokens() + c.usage().outputTokens() + c.usage().unsplitTokens(),
                    c.cost().costUsd(), c.cost().status(), s.startTimeUnixNano(), s.durationNanos(), workflow,
                    s.serviceName(), s.failed()));
        }
        return new Summarized(summary, calls);
    }

    private static void requireSpans(List<Span> spans) {
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("a trace needs at least one span");
        }
    }

    private TraceSummary summarize(TraceId traceId, List<Span> spans, WorkflowRollup rollup) {
        // OTLP times are unsigned: compared as such, a time past 2^63 ns is later, not negative
        long start = -1L;
        long end = 0L;
        int errors = 0;
        boolean anyFailed = false;
        Span root = null;
        Span earliest = null;
        Set<String> services = new TreeSet<>();
        for (Span s : spans) {
            start = unsignedMin(start, s.startTimeUnixNano());
            end = unsignedMax(end, unsignedMax(s.endTimeUnixNano(), s.startTimeUnixNano()));
            if (s.isError()) {
                errors++;
            }
            anyFailed |= s.failed();
            services.add(s.serviceName());
            boolean isRoot = s.parentSpanId().isEmpty();
            if (isRoot && (root == null || BY_START.compare(s, root) < 0)) {
                root = s;
            }
            if (earliest == null || BY_START.compare(s, earliest) < 0) {
                earliest = s;
            }
        }
        Span named = root != null ? root : earliest;
        return new TraceSummary(traceId, named.name(), named.serviceName(), start, end, spans.size(), errors,
                root != null, new ArrayList<>(services), rollup, outcome(spans, root, anyFailed));
    }

    /**
     * Failed when an error reached the root; recovered when errors stayed inside. Until the root
     * arrives, the top of what has arrived (spans whose parent is missing) stands in for it.
     */
    static RunOutcome outcome(List<Span> spans, Span root, boolean anyFailed) {
        if (!anyFailed && (root == null || !root.errorEscaped())) {
            return RunOutcome.OK;
        }
        if (root != null) {
            return root.errorEscaped() ? RunOutcome.FAILED : RunOutcome.RECOVERED;
        }
        Set<SpanId> ids = new HashSet<>();
        spans.forEach(s -> ids.add(s.spanId()));
        for (Span s : spans) {
            boolean top = s.parentSpanId().map(p -> !ids.contains(p) || p.equals(s.spanId())).orElse(true);
            if (top && s.errorEscaped()) {
                return RunOutcome.FAILED;
            }
        }
        return RunOutcome.RECOVERED;
    }

    private static long unsignedMin(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static long unsignedMax(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** The trace with spans in tree order: each parent before its children, siblings by start. */
    public Trace assemble(TraceId traceId, Collection<Span> allSpans) {
        return assemble(traceId, allSpans, Optional.empty());
    }

    /**
     * Like {@link #assemble(TraceId, Collection)}, with the summary a store kept for these spans
     * instead of a new one: a store recomputes it at every write over all the trace's spans, so the
     * rollup (which classifies every span) need not run again on each read. A kept summary that
     * counts other spans than those given (a damaged row, or spans and row read apart with a write
     * between them) is not trusted and the summary is computed afresh.
     */
    public Trace assemble(TraceId traceId, Collection<Span> allSpans, Optional<TraceSummary> kept) {
        List<Span> spans = distinct(allSpans);
        requireSpans(spans);
        TraceSummary summary = kept.filter(s -> s.traceId().equals(traceId) && s.spanCount() == spans.size())
                .orElseGet(() -> summarize(traceId, spans, rollups.rollup(spans)));
        return new Trace(summary, treeOrder(spans));
    }

    static List<Span> treeOrder(List<Span> spans) {
        Map<SpanId, Span> byId = new HashMap<>();
        for (Span s : spans) {
            byId.put(s.spanId(), s);
        }
        Map<SpanId, List<Span>> children = new HashMap<>();
        List<Span> roots = new ArrayList<>();
        for (Span s : spans) {
            Optional<SpanId> parent = s.parentSpanId();
            if (parent.isPresent() && byId.containsKey(parent.get()) && !parent.get().equals(s.spanId())) {
                children.computeIfAbsent(parent.get(), k -> new ArrayList<>()).add(s);
            } else {
                // a missing parent makes the span a root of its own, so nothing is hidden
                roots.add(s);
            }
        }
        roots.sort(BY_START);
        children.values().forEach(list -> list.sort(BY_START));
        List<Span> ordered = new ArrayList<>(spans.size());
        Set<SpanId> visited = new HashSet<>();
        // explicit stack: a 10,000-deep chain must not overflow the thread stack
        ArrayList<Span> stack = new ArrayList<>();
        for (int r = roots.size() - 1; r >= 0; r--) {
            stack.add(roots.get(r));
        }
        while (!stack.isEmpty()) {
            Span s = stack.remove(stack.size() - 1);
            if (!visited.add(s.spanId())) {
                continue;
            }
            ordered.add(s);
            List<Span> kids = children.getOrDefault(s.spanId(), List.of());
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.add(kids.get(i));
            }
        }
        if (ordered.size() < spans.size()) {
            // a parent cycle (a broken exporter) leaves spans unreachable from any root: keep them
            List<Span> rest = new ArrayList<>();
            for (Span s : spans) {
                if (!visited.contains(s.spanId())) {
                    rest.add(s);
                }
            }
            rest.sort(BY_START);
            ordered.addAll(rest);
        }
        return ordered;
    }
}
