package dev.tta.obs.domain.compare;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.llm.LlmUsage;
import dev.tta.obs.domain.workflow.PrimitiveKind;
import dev.tta.obs.domain.workflow.SpanClassifier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which span of one run is which span of another: matched by their place in the tree (path from
 * the root and position among siblings), not by exact name.
 *
 * <p>Under a matched parent, children are first paired by role, in start order: the k-th child of
 * a role in run A with the k-th of that role in run B. A span's role is its name with numbers
 * masked ({@code step 16} and {@code step 8} are one role), except for LLM calls, whose role is
 * "LLM call" (their names carry the model, so a switch from {@code chat gpt-4o} to
 * {@code chat gpt-4o-mini} is one call that changed model, not one call removed and another added).
 * Children left over are then paired in start order when they are the same kind of primitive (a
 * retry renamed is still the retry). What is left is only in A or only in B, with its subtree.
 *
 * <p>Deterministic and symmetric: swapping the runs swaps the sides of every match.
 */
public final class SpanMatching {
    public static final String LLM_ROLE = "LLM call";

    private SpanMatching() {
    }

    /**
     * One row of the comparison: a span of A, of B, or of both.
     *
     * @param depth the row's depth in the merged tree (roots 0)
     * @param path  the roles from the root down to this row, joined by " › "
     */
    public record Match(Optional<Span> a, Optional<Span> b, int depth, String path) {
        public Match {
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(b, "b");
            if (a.isEmpty() && b.isEmpty()) {
                throw new IllegalArgumentException("a match needs a span on one side at least");
            }
        }

        public boolean both() {
            return a.isPresent() && b.isPresent();
        }

        /** Both sides are LLM calls. */
        public boolean llmCall() {
            return both() && isLlmCall(a.get()) && isLlmCall(b.get());
        }
    }

    /** The rows of the two runs' spans, in the merged tree's order (a parent before its children). */
    public static List<Match> match(List<Span> a, List<Span> b) {
        Tree ta = new Tree(a);
        Tree tb = new Tree(b);
        List<Match> out = new ArrayList<>(Math.max(a.size(), b.size()));
        pair(ta, tb, ta.roots, tb.roots, 0, "", out);
        return out;
    }

    /** An LLM (or embedding) call: classified as one, or reporting tokens or a cost. */
    public static boolean isLlmCall(Span s) {
        PrimitiveKind kind = SpanClassifier.classify(s).kind();
        if (kind == PrimitiveKind.LLM || kind == PrimitiveKind.EMBEDDING) {
            return true;
        }
        return LlmUsage.from(s).map(u -> u.tokensReported() || u.reportedCostUsd().isPresent()).orElse(false);
    }

    static String role(Span s) {
        return isLlmCall(s) ? LLM_ROLE : s.name().replaceAll("\\d+", "#");
    }

    private static String role(Tree t, Span s) {
        return t.roles.computeIfAbsent(s.spanId(), k -> role(s));
    }

    private static void pair(Tree ta, Tree tb, List<Span> as, List<Span> bs, int depth, String prefix, List<Match> out) {
        record Slot(Span a, Span b, long order) {
        }
        Map<String, List<Span>> byRoleB = new LinkedHashMap<>();
        for (Span s : bs) {
            byRoleB.computeIfAbsent(role(tb, s), k -> new ArrayList<>()).add(s);
        }
        Map<String, Integer> takenB = new HashMap<>();
        Set<SpanId> usedB = new HashSet<>();
        Map<Span, Span> paired = new java.util.IdentityHashMap<>();
        List<Span> leftA = new ArrayList<>();
        for (Span s : as) {
            String r = role(ta, s);
            List<Span> candidates = byRoleB.getOrDefault(r, List.of());
            int k = takenB.getOrDefault(r, 0);
            if (k < candidates.size()) {
                Span m = candidates.get(k);
                takenB.put(r, k + 1);
                paired.put(s, m);
                usedB.add(m.spanId());
            } else {
                leftA.add(s);
            }
        }
        List<Span> leftB = new ArrayList<>();
        for (Span s : bs) {
            if (!usedB.contains(s.spanId())) {
                leftB.add(s);
            }
        }
        // a renamed primitive is still the same step: pair what is left by kind, in start order
        List<Span> stillA = new ArrayList<>();
        for (Span s : leftA) {
            PrimitiveKind kind = SpanClassifier.classify(s).kind();
            Span m = null;
            if (kind != PrimitiveKind.OTHER) {
                for (Span c : leftB) {
                    if (SpanClassifier.classify(c).kind() == kind) {
                        m = c;
                        break;
                    }
                }
            }
            if (m == null) {
                stillA.add(s);
            } else {
                leftB.remove(m);
                paired.put(s, m);
            }
        }
        List<Slot> slots = new ArrayList<>();
        for (Span s : as) {
            if (paired.containsKey(s)) {
                slots.add(new Slot(s, paired.get(s), Math.min(ta.offset(s), tb.offset(paired.get(s)))));
            }
        }
        stillA.forEach(s -> slots.add(new Slot(s, null, ta.offset(s))));
        leftB.forEach(s -> slots.add(new Slot(null, s, tb.offset(s))));
        slots.sort(Comparator.comparingLong(Slot::order)
                .thenComparing(x -> x.a() != null ? x.a().spanId() : x.b().spanId()));
        for (Slot slot : slots) {
            Span any = slot.a() != null ? slot.a() : slot.b();
            String segment = role(slot.a() != null ? ta : tb, any).equals(LLM_ROLE) ? LLM_ROLE : any.name();
            String path = prefix.isEmpty() ? segment : prefix + " › " + segment;
            out.add(new Match(Optional.ofNullable(slot.a()), Optional.ofNullable(slot.b()), depth, path));
            pair(ta, tb, slot.a() == null ? List.of() : ta.children(slot.a()),
                    slot.b() == null ? List.of() : tb.children(slot.b()), depth + 1, path, out);
        }
    }

    /** Parent links within one run, children in start order; a span whose parent is missing is a root. */
    private static final class Tree {
        private static final Comparator<Span> BY_START = Comparator
                .comparingLong(Span::startTimeUnixNano).thenComparing(Span::spanId);
        final List<Span> roots = new ArrayList<>();
        final Map<SpanId, List<Span>> children = new HashMap<>();
        final Map<SpanId, String> roles = new HashMap<>();
        final long start;

        Tree(List<Span> spans) {
            Map<SpanId, Span> byId = new HashMap<>();
            spans.forEach(s -> byId.put(s.spanId(), s));
            long first = Long.MAX_VALUE;
            for (Span s : spans) {
                first = Math.min(first, s.startTimeUnixNano());
                Optional<SpanId> p = s.parentSpanId().filter(id -> byId.containsKey(id) && !id.equals(s.spanId()));
                if (p.isPresent()) {
                    children.computeIfAbsent(p.get(), k -> new ArrayList<>()).add(s);
                } else {
                    roots.add(s);
                }
            }
            start = spans.isEmpty() ? 0 : first;
            roots.sort(BY_START);
            children.values().forEach(l -> l.sort(BY_START));
            // a parent cycle would leave spans unreachable from any root: they become roots of their own
            Set<SpanId> reached = new HashSet<>();
            List<Span> stack = new ArrayList<>(roots);
            while (!stack.isEmpty()) {
                Span s = stack.remove(stack.size() - 1);
                if (reached.add(s.spanId())) {
                    stack.addAll(children.getOrDefault(s.spanId(), List.of()));
                }
            }
            if (reached.size() < spans.size()) {
                for (Span s : spans) {
                    if (!reached.contains(s.spanId())) {
                        roots.add(s);
                        children.values().forEach(l -> l.remove(s));
                        reached.add(s.spanId());
                    }
                }
                roots.sort(BY_START);
            }
        }

        List<Span> children(Span s) {
            return children.getOrDefault(s.spanId(), List.of());
        }

        long offset(Span s) {
            return s.startTimeUnixNano() - start;
        }
    }
}
