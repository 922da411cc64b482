package dev.tta.obs.ports.in;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.Trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trace laid out for a tree and a timeline.
 *
 * @param depth        each span's depth; a span whose parent never arrived is a root (depth 0)
 * @param selfTimeNs   each span's own time: its duration minus the time covered by its children
 *                     (overlapping children count once; child time outside the parent is ignored)
 * @param criticalPath span ids from a root down: at each step the child that finished last, i.e.
 *                     the chain that decided when the trace ended
 */
public record TraceTimeline(Trace trace, Map<SpanId, Integer> depth, Map<SpanId, Long> selfTimeNs,
                            List<SpanId> criticalPath) {

    public TraceTimeline {
        depth = Map.copyOf(depth);
        selfTimeNs = Map.copyOf(selfTimeNs);
        criticalPath = List.copyOf(criticalPath);
    }

    public Optional<Span> span(SpanId id) {
        for (Span s : trace.spans()) {
            if (s.spanId().equals(id)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static TraceTimeline of(Trace trace) {
        Map<SpanId, Span> byId = new HashMap<>();
        for (Span s : trace.spans()) {
            byId.put(s.spanId(), s);
        }
        Map<SpanId, List<Span>> children = new HashMap<>();
        List<Span> roots = new ArrayList<>();
        for (Span s : trace.spans()) {
            Optional<SpanId> parent = s.parentSpanId().filter(byId::containsKey);
            if (parent.isPresent()) {
                children.computeIfAbsent(parent.get(), k -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        Map<SpanId, Integer> depth = new HashMap<>();
        // spans come in tree order, so a parent's depth is known before its children's
        for (Span s : trace.spans()) {
            int d = s.parentSpanId().filter(byId::containsKey).map(p -> depth.getOrDefault(p, 0) + 1).orElse(0);
            depth.put(s.spanId(), d);
        }
        Map<SpanId, Long> self = new HashMap<>();
        for (Span s : trace.spans()) {
            self.put(s.spanId(), selfTime(s, children.getOrDefault(s.spanId(), List.of())));
        }
        return new TraceTimeline(trace, depth, self, criticalPath(roots, children));
    }

    private static long selfTime(Span span, List<Span> kids) {
        long start = span.startTimeUnixNano();
        long end = Math.max(start, span.endTimeUnixNano());
        if (kids.isEmpty()) {
            return end - start;
        }
        List<long[]> intervals = new ArrayList<>(kids.size());
        for (Span k : kids) {
            long ks = Math.max(start, k.startTimeUnixNano());
            long ke = Math.min(end, k.endTimeUnixNano());
            if (ke > ks) {
                intervals.add(new long[] {ks, ke});
            }
        }
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        long covered = 0;
        long curStart = -1;
        long curEnd = -1;
        for (long[] iv : intervals) {
            if (curEnd < 0 || iv[0] > curEnd) {
                covered += curEnd - curStart;
                curStart = iv[0];
                curEnd = iv[1];
            } else {
                curEnd = Math.max(curEnd, iv[1]);
            }
        }
        covered += curEnd - curStart;
        return Math.max(0, (end - start) - covered);
    }

    private static List<SpanId> criticalPath(List<Span> roots, Map<SpanId, List<Span>> children) {
        if (roots.isEmpty()) {
            return List.of();
        }
        Span current = Collections.max(roots, TraceTimeline::byEndThenStart);
        List<SpanId> path = new ArrayList<>();
        while (current != null) {
            path.add(current.spanId());
            List<Span> kids = children.getOrDefault(current.spanId(), List.of());
            current = kids.isEmpty() ? null : Collections.max(kids, TraceTimeline::byEndThenStart);
        }
        return path;
    }

    private static int byEndThenStart(Span a, Span b) {
        int c = Long.compare(a.endTimeUnixNano(), b.endTimeUnixNano());
        // of two children ending together, the one that started later waited on the other
        return c != 0 ? c : Long.compare(a.startTimeUnixNano(), b.startTimeUnixNano());
    }
}
