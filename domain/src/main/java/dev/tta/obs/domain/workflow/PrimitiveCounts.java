package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Retries, fallbacks and cache lookups counted from the shape of the trace, not from span names.
 *
 * <p>A primitive that runs something several times is a <em>container</em> (the retry, fallback
 * or cache span) with <em>members</em>: its children, or, for emitters that parent them to the
 * container's parent, siblings that ran inside the container's time window. Members are whatever
 * carries the fact ({@code retry.attempt}, {@code cache.hit}, a fallback branch), named anything.
 * Members whose container never arrived are grouped by their parent's id.
 *
 * @param retries       attempts beyond the first, over all retried operations
 * @param retryAttempts attempts made by retried operations, first attempts included
 */
record PrimitiveCounts(int retries, int retryAttempts, int fallbacksUsed, int cacheHits, int cacheMisses) {

    private static final Comparator<Span> BY_START = Comparator.comparingLong(Span::startTimeUnixNano)
            .thenComparing(Span::spanId);

    static PrimitiveCounts of(List<Span> spans, Map<SpanId, SpanInsight> insights, Map<SpanId, Span> byId) {
        Shape shape = new Shape(spans, byId);
        int[] retry = retries(spans, insights, shape);
        int fallbacks = fallbacks(spans, insights, shape);
        int[] cache = cache(spans, insights, shape);
        return new PrimitiveCounts(retry[0], retry[1], fallbacks, cache[0], cache[1]);
    }

    // ---------------------------------------------------------------- retries

    private static Optional<Integer> attemptNumber(Span s, Map<SpanId, SpanInsight> insights) {
        return insights.get(s.spanId()).retry().flatMap(SpanInsight.RetryFacts::attempt);
    }

    /** {@code [retries, attempts]}. */
    private static int[] retries(List<Span> spans, Map<SpanId, SpanInsight> insights, Shape shape) {
        Predicate<Span> numbered = s -> attemptNumber(s, insights).isPresent();
        List<Span> containers = new ArrayList<>();
        List<Span> members = new ArrayList<>();
        for (Span s : spans) {
            SpanInsight in = insights.get(s.spanId());
            boolean declared = SpanClassifier.declaredKind(s).orElse(null) == PrimitiveKind.RETRY;
            boolean hasNumber = numbered.test(s);
            // a declared retry that numbers itself is one attempt of an outer retry unless attempts hang below it
            boolean container = declared ? !hasNumber || shape.children(s).stream().anyMatch(numbered)
                    : in.kind() == PrimitiveKind.RETRY && !hasNumber && in.retry().isPresent();
            if (container) {
                containers.add(s);
            } else if (hasNumber) {
                members.add(s);
            }
        }
        Assignment a = shape.assign(containers, members, numbered);
        int retries = 0;
        int attempts = 0;
        for (Span c : containers) {
            SpanInsight.RetryFacts own = insights.get(c.spanId()).retry()
                    .orElse(new SpanInsight.RetryFacts(Optional.empty(), Optional.empty(), Optional.empty(),
                            Optional.empty()));
            int made = Math.max(own.finalAttempts().orElse(0), own.attempt().orElse(0));
            List<Span> mine = a.members(c).stream().filter(numbered).toList();
            made = Math.max(made, attemptsOf(mine, insights));
            // the container ran, so its operation was attempted at least once
            made = Math.max(1, made);
            retries += made - 1;
            attempts += made;
        }
        for (List<Span> run : a.orphans().values()) {
            // without a container, a run restarting at its first number is another retry of the same operation
            Map<String, List<Span>> byTarget = new TreeMap<>();
            for (Span s : run) {
                String target = s.attributes().getString("retry.primitive_type")
                        .or(() -> insights.get(s.spanId()).primitiveType()).orElse("");
                byTarget.computeIfAbsent(target, k -> new ArrayList<>()).add(s);
            }
            for (List<Span> group : byTarget.values()) {
                int[] counted = orphanAttempts(group, insights);
                retries += counted[0];
                attempts += counted[1];
            }
        }
        return new int[] {retries, attempts};
    }

    /** Attempts shown by one retry's members: distinct numbers, the highest number, or a reported total. */
    private static int attemptsOf(List<Span> members, Map<SpanId, SpanInsight> insights) {
        Numbers n = Numbers.of(members, insights);
        if (n.numbers().isEmpty()) {
            return n.reportedTotal();
        }
        TreeSet<Integer> distinct = new TreeSet<>(n.numbers());
        int highest = distinct.last() + n.shift();
        return Math.max(Math.max(distinct.size(), highest), n.reportedTotal());
    }

    /**
     * The attempt numbers of attempt spans and the largest total any of them reports.
     *
     * @param shift 1 when the numbers start at 0, so that {@code number + shift} is 1-based: most
     *              emitters number attempts from 1; one that starts at 0 says so by sending a 0
     */
    private record Numbers(List<Integer> numbers, int reportedTotal, int shift) {
        static Numbers of(List<Span> attempts, Map<SpanId, SpanInsight> insights) {
            List<Integer> numbers = new ArrayList<>();
            int reportedTotal = 0;
            for (Span s : attempts) {
                SpanInsight.RetryFacts r = insights.get(s.spanId()).retry().orElseThrow();
                r.attempt().ifPresent(numbers::add);
                reportedTotal = Math.max(reportedTotal, r.finalAttempts().orElse(0));
            }
            return new Numbers(numbers, reportedTotal, numbers.contains(0) ? 1 : 0);
        }
    }

    /** {@code [re-attempts, attempts]} of attempt spans whose retry span is missing. */
    private static int[] orphanAttempts(List<Span> attempts, Map<SpanId, SpanInsight> insights) {
        Numbers numbers = Numbers.of(attempts, insights);
        int beyondFirst = 0;
        int highest = 0;
        int firsts = 0;
        for (int n : numbers.numbers()) {
            int oneBased = n + numbers.shift();
            highest = Math.max(highest, oneBased);
            if (oneBased > 1) {
                beyondFirst++;
            } else {
                firsts++;
            }
        }
        int reattempts = Math.max(beyondFirst, Math.max(highest, numbers.reportedTotal()) - 1);
        return new int[] {reattempts, reattempts + Math.max(1, firsts)};
    }

    // ---------------------------------------------------------------- fallbacks

    /**
     * Fallback primitives that ran a fallback: the container says so, one of its branches is marked
     * as the fallback, or its first branch failed and another ran after it. Each container counts
     * once however many branches it tried; a fallback nested in a branch is a fallback of its own.
     */
    private static int fallbacks(List<Span> spans, Map<SpanId, SpanInsight> insights, Shape shape) {
        Set<SpanId> declared = new HashSet<>();
        for (Span s : spans) {
            if (SpanClassifier.declaredKind(s).orElse(null) == PrimitiveKind.FALLBACK) {
                declared.add(s.spanId());
            }
        }
        List<Span> containers = new ArrayList<>();
        for (Span s : spans) {
            boolean isBranch = shape.parent(s).map(p -> declared.contains(p.spanId())).orElse(false);
            if (declared.contains(s.spanId())
                    || (!isBranch && insights.get(s.spanId()).fallback().isPresent() && !isBranchMarked(s))) {
                containers.add(s);
            }
        }
        Set<SpanId> containerIds = new HashSet<>();
        containers.forEach(c -> containerIds.add(c.spanId()));
        List<Span> members = new ArrayList<>();
        for (Span s : spans) {
            boolean childOfContainer = shape.parent(s).map(p -> containerIds.contains(p.spanId())).orElse(false);
            if (childOfContainer || (isBranchMarked(s) && !containerIds.contains(s.spanId()))) {
                members.add(s);
            }
        }
        Assignment a = shape.assign(containers, members, PrimitiveCounts::isBranchMarked);
        int used = 0;
        for (Span c : containers) {
            boolean ranFallback = insights.get(c.spanId()).fallback().map(SpanInsight.FallbackFacts::used).orElse(false);
            List<Span> branches = new ArrayList<>(a.members(c));
            branches.sort(BY_START);
            for (Span b : branches) {
                ranFallback |= marksFallbackRun(b, insights);
            }
            if (!ranFallback && branches.size() >= 2) {
                ranFallback = insights.get(branches.get(0).spanId()).failed();
            }
            if (ranFallback) {
                used++;
            }
        }
        for (List<Span> orphanBranches : a.orphans().values()) {
            if (orphanBranches.stream().anyMatch(b -> marksFallbackRun(b, insights))) {
                used++;
            }
        }
        return used;
    }

    /** A span that says which branch of a fallback it is. */
    private static boolean isBranchMarked(Span s) {
        return s.attributes().get("fallback.execution").isPresent() || s.attributes().get("fallback.branch").isPresent()
                || s.name().equalsIgnoreCase("fallback.fallback") || s.name().equalsIgnoreCase("fallback.primary");
    }

    private static boolean marksFallbackRun(Span branch, Map<SpanId, SpanInsight> insights) {
        if (!isBranchMarked(branch)) {
            return false;
        }
        Optional<String> which = branch.attributes().getString("fallback.branch")
                .or(() -> branch.attributes().getString("fallback.execution"));
        if (which.isPresent()) {
            return !which.get().trim().equalsIgnoreCase("primary");
        }
        return insights.get(branch.spanId()).fallback().map(SpanInsight.FallbackFacts::used).orElse(false);
    }

    // ---------------------------------------------------------------- cache lookups

    /**
     * {@code [hits, misses]}. A cache primitive that reports its own outcome is one lookup however
     * many of its members repeat it; one that does not counts each member lookup.
     */
    private static int[] cache(List<Span> spans, Map<SpanId, SpanInsight> insights, Shape shape) {
        Predicate<Span> lookup = s -> insights.get(s.spanId()).cacheHit().isPresent();
        List<Span> containers = new ArrayList<>();
        List<Span> members = new ArrayList<>();
        for (Span s : spans) {
            if (SpanClassifier.declaredKind(s).orElse(null) == PrimitiveKind.CACHE) {
                containers.add(s);
            } else if (lookup.test(s)) {
                members.add(s);
            }
        }
        Assignment a = shape.assign(containers, members, lookup);
        int hits = 0;
        int misses = 0;
        List<Span> counted = new ArrayList<>();
        for (Span c : containers) {
            if (lookup.test(c)) {
                counted.add(c);
            } else {
                counted.addAll(a.members(c));
            }
        }
        a.orphans().values().forEach(counted::addAll);
        for (Span s : counted) {
            if (insights.get(s.spanId()).cacheHit().orElseThrow()) {
                hits++;
            } else {
                misses++;
            }
        }
        return new int[] {hits, misses};
    }

    // ---------------------------------------------------------------- the shape

    /** Members per container, and the members no container claimed, by parent. */
    record Assignment(Map<SpanId, List<Span>> byContainer, Map<String, List<Span>> orphans) {
        List<Span> members(Span container) {
            return byContainer.getOrDefault(container.spanId(), List.of());
        }
    }

    /** Parent and child links within the trace. */
    static final class Shape {
        private final Map<SpanId, Span> byId;
        private final Map<SpanId, List<Span>> children = new HashMap<>();

        Shape(List<Span> spans, Map<SpanId, Span> byId) {
            this.byId = byId;
            for (Span s : spans) {
                parent(s).ifPresent(p -> children.computeIfAbsent(p.spanId(), k -> new ArrayList<>()).add(s));
            }
        }

        Optional<Span> parent(Span s) {
            return s.parentSpanId().filter(p -> !p.equals(s.spanId())).map(byId::get);
        }

        List<Span> children(Span s) {
            return children.getOrDefault(s.spanId(), List.of());
        }

        /** The parent's id even when that span has not arrived: members of one missing container stay together. */
        private static String parentKey(Span s) {
            return s.parentSpanId().filter(p -> !p.equals(s.spanId())).map(SpanId::hex).orElse("-");
        }

        /**
         * Gives each member to a container: its parent when that is a container; otherwise, if
         * {@code mayBeSibling} accepts it, the tightest container under the same parent whose time
         * window holds it and that has no members of its own among its children.
         */
        Assignment assign(List<Span> containers, List<Span> members, Predicate<Span> mayBeSibling) {
            Set<SpanId> containerIds = new HashSet<>();
            containers.forEach(c -> containerIds.add(c.spanId()));
            Map<SpanId, List<Span>> byContainer = new LinkedHashMap<>();
            List<Span> unassigned = new ArrayList<>();
            for (Span m : members) {
                Optional<Span> p = parent(m);
                if (p.isPresent() && containerIds.contains(p.get().spanId())) {
                    byContainer.computeIfAbsent(p.get().spanId(), k -> new ArrayList<>()).add(m);
                } else {
                    unassigned.add(m);
                }
            }
            Map<String, List<Span>> childless = new HashMap<>();
            for (Span c : containers) {
                if (!byContainer.containsKey(c.spanId())) {
                    childless.computeIfAbsent(parentKey(c), k -> new ArrayList<>()).add(c);
                }
            }
            Map<String, List<Span>> orphans = new TreeMap<>();
            for (Span m : unassigned) {
                Span best = null;
                if (mayBeSibling.test(m)) {
                    for (Span c : childless.getOrDefault(parentKey(m), List.of())) {
                        if (c != m && within(m, c) && (best == null || tighter(c, best))) {
                            best = c;
                        }
                    }
                }
                if (best != null) {
                    byContainer.computeIfAbsent(best.spanId(), k -> new ArrayList<>()).add(m);
                } else {
                    orphans.computeIfAbsent(parentKey(m), k -> new ArrayList<>()).add(m);
                }
            }
            return new Assignment(byContainer, orphans);
        }

        private static boolean within(Span member, Span container) {
            return Long.compareUnsigned(member.startTimeUnixNano(), container.startTimeUnixNano()) >= 0
                    && Long.compareUnsigned(member.endTimeUnixNano(), container.endTimeUnixNano()) <= 0;
        }

        private static boolean tighter(Span a, Span b) {
            int byDuration = Long.compare(a.durationNanos(), b.durationNanos());
            return byDuration != 0 ? byDuration < 0 : a.spanId().compareTo(b.spanId()) < 0;
        }
    }
}
