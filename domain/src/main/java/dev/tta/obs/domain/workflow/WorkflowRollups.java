package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.ModelName;
import dev.tta.obs.domain.cost.ModelUsage;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.llm.LlmUsage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The workflow rollup of a trace: primitives, what they did, tokens and cost. Depends only on the
 * set of spans, never on their order, and counts nothing twice: a retry reported both on the retry
 * span and on each attempt span is one retry, and an LLM call recorded by a wrapper span and by the
 * instrumented client inside it is one call.
 */
public final class WorkflowRollups implements WorkflowRollupCalculator {
    private static final String[] WORKFLOW_ID_KEYS = {"workflow.id", "tta.workflow.id"};
    private static final String[] WORKFLOW_NAME_KEYS = {"workflow.name", "tta.workflow.name", "traceloop.workflow.name"};
    private static final String[] SESSION_KEYS = {"workflow.session_id", "session.id", "tta.session.id",
        "gen_ai.conversation.id", "langfuse.session.id"};
    private static final String[] USER_KEYS = {"user.id", "enduser.id", "langfuse.user.id"};

    /** Roots first, then by start time and id: the span whose workflow id describes the trace comes first. */
    private static final Comparator<Span> DESCRIBING_FIRST = Comparator
            .comparing((Span s) -> s.parentSpanId().isPresent())
            .thenComparingLong(Span::startTimeUnixNano)
            .thenComparing(Span::spanId);

    private final PriceTable prices;

    public WorkflowRollups(PriceTable prices) {
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    @Override
    public WorkflowRollup rollup(Collection<Span> input) {
        return rollup(input, false).rollup();
    }

    @Override
    public WithCalls rollupWithCalls(Collection<Span> input) {
        return rollup(input, true);
    }

    private WithCalls rollup(Collection<Span> input, boolean listCalls) {
        List<Span> spans = new ArrayList<>(TraceAssembler.distinct(input));
        if (spans.isEmpty()) {
            return new WithCalls(WorkflowRollup.EMPTY, List.of());
        }
        spans.sort(Comparator.comparing(Span::spanId));
        Map<SpanId, Span> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.spanId(), s));
        Map<SpanId, SpanInsight> insights = new HashMap<>();
        spans.forEach(s -> insights.put(s.spanId(), SpanClassifier.classify(s)));
        Tree tree = new Tree(byId);

        TreeSet<String> kinds = new TreeSet<>();
        int timeouts = 0;
        for (Span s : spans) {
            SpanInsight in = insights.get(s.spanId());
            if (in.kind() != PrimitiveKind.OTHER) {
                kinds.add(in.kind().label());
            }
            if (in.timeout().map(SpanInsight.TimeoutFacts::fired).orElse(false)) {
                timeouts++;
            }
        }
        PrimitiveCounts counts = PrimitiveCounts.of(spans, insights, byId);
        int compensations = countOutermost(spans, tree,
                s -> insights.get(s.spanId()).compensated().orElse(false));

        // Model calls: spans classified as LLM or embedding calls, or reporting tokens or a cost;
        // innermost only, so a primitive or agent span wrapping an instrumented client call (and
        // perhaps repeating its usage) counts once. Every call is a call of its model in modelUsage,
        // those without token counts included, so llmCalls and modelUsage always agree.
        Map<SpanId, LlmUsage> usages = new HashMap<>();
        Set<SpanId> candidates = new HashSet<>();
        for (Span s : spans) {
            PrimitiveKind kind = insights.get(s.spanId()).kind();
            Optional<LlmUsage> u = LlmUsage.from(s);
            u.ifPresent(x -> usages.put(s.spanId(), x));
            boolean call = kind == PrimitiveKind.LLM || kind == PrimitiveKind.EMBEDDING
                    || u.map(x -> x.tokensReported() || x.reportedCostUsd().isPresent()).orElse(false);
            if (call) {
                candidates.add(s.spanId());
            }
        }
        Set<SpanId> aboveCalls = tree.ancestorsOf(candidates);
        List<Span> callSpans = new ArrayList<>();
        List<CountedCall> counted = listCalls ? new ArrayList<>() : List.of();
        for (Span s : spans) {
            if (candidates.contains(s.spanId()) && !aboveCalls.contains(s.spanId())) {
                callSpans.add(s);
            }
        }
        Set<SpanId> twins = twinsOfOneCall(callSpans, usages);
        List<ModelUsage> calls = new ArrayList<>();
        for (Span s : callSpans) {
            if (!twins.contains(s.spanId())) {
                LlmUsage u = usages.get(s.spanId());
                if (u == null) {
                    u = LlmUsage.unknown(SpanClassifier.declaredClass(s).flatMap(ModelName::providerOfPrimitive));
                }
                ModelUsage usage = u.toModelUsage(s.failed());
                calls.add(usage);
                if (listCalls) {
                    counted.add(new CountedCall(s, u.reportedModel(), usage, CostSummary.of(List.of(usage), prices)));
                }
            }
        }
        int llmCalls = calls.size();
        List<ModelUsage> perModel = perModel(calls);
        long in = 0;
        long out = 0;
        long cached = 0;
        long reasoning = 0;
        for (ModelUsage u : perModel) {
            in += u.inputTokens();
            out += u.outputTokens();
            cached += u.cachedInputTokens();
            reasoning += u.reasoningTokens();
        }
        CostSummary cost = CostSummary.of(perModel, prices);

        List<Span> describing = new ArrayList<>(spans);
        describing.sort(DESCRIBING_FIRST);
        return new WithCalls(new WorkflowRollup(List.copyOf(kinds), counts.cacheHits(), counts.cacheMisses(), counts.retries(),
                counts.retryAttempts(), counts.fallbacksUsed(), timeouts, compensations,
                llmCalls, in, out, cached, reasoning, cost.costUsd(), cost.status(), cost.unpricedModels(), perModel,
                firstValue(describing, WORKFLOW_ID_KEYS), firstValue(describing, WORKFLOW_NAME_KEYS),
                firstValue(describing, SESSION_KEYS), firstValue(describing, USER_KEYS)), counted);
    }

    /**
     * Call spans that repeat another instrumentation's span of the same client call. Two libraries
     * instrumenting one call nest their spans when one starts inside the other's context, and the
     * innermost rule counts them once; when neither does (OpenInference's Anthropic instrumentation
     * around the Anthropic SDK's stream helper, whose own span starts first), they are siblings.
     * Such twins come from different instrumentation scopes, share a parent, overlap in time, name
     * the same model and, where both count tokens, the same input and output. Of each pair the one
     * that tells more stays; between equals, the earlier (then lower id), so span order is ignored.
     */
    private static Set<SpanId> twinsOfOneCall(List<Span> callSpans, Map<SpanId, LlmUsage> usages) {
        Set<SpanId> dropped = new HashSet<>();
        Map<Optional<SpanId>, List<Span>> byParent = new HashMap<>();
        for (Span s : callSpans) {
            byParent.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
        }
        for (List<Span> siblings : byParent.values()) {
            if (siblings.size() < 2) {
                continue;
            }
            siblings.sort(Comparator.comparing(Span::startTimeUnixNano, Long::compareUnsigned)
                    .thenComparing(Span::spanId));
            for (int i = 0; i < siblings.size(); i++) {
                Span a = siblings.get(i);
                for (int j = i + 1; j < siblings.size() && !dropped.contains(a.spanId()); j++) {
                    Span b = siblings.get(j);
                    if (dropped.contains(b.spanId()) || !sameCall(a, b, usages)) {
                        continue;
                    }
                    boolean keepB = detail(usages.get(b.spanId())) > detail(usages.get(a.spanId()));
                    dropped.add(keepB ? a.spanId() : b.spanId());
                }
            }
        }
        return dropped;
    }

    private static boolean sameCall(Span a, Span b, Map<SpanId, LlmUsage> usages) {
        LlmUsage ua = usages.get(a.spanId());
        LlmUsage ub = usages.get(b.spanId());
        if (ua == null || ub == null || ua.model().isEmpty() || !ua.model().equals(ub.model())
                || a.scope().name().equals(b.scope().name())) {
            return false;
        }
        boolean overlap = Long.compareUnsigned(a.startTimeUnixNano(), b.endTimeUnixNano()) < 0
                && Long.compareUnsigned(b.startTimeUnixNano(), a.endTimeUnixNano()) < 0;
        if (!overlap) {
            return false;
        }
        // cached and reasoning counts are left out: some libraries do not send them
        return !ua.tokensReported() || !ub.tokensReported()
                || ua.inputTokens() == ub.inputTokens() && ua.outputTokens() == ub.outputTokens();
    }

    /** How much of a call a twin tells: token counts at all, then the cached and reasoning split. */
    private static int detail(LlmUsage u) {
        return (u.tokensReported() ? 4 : 0) + (u.cachedInputTokens() > 0 ? 2 : 0) + (u.reasoningTokens() > 0 ? 1 : 0);
    }

    private static List<ModelUsage> perModel(List<ModelUsage> calls) {
        Map<String, ModelUsage> byKey = new TreeMap<>();
        for (ModelUsage m : calls) {
            String key = m.provider() + '\u0000' + m.model() + '\u0000' + m.isReported();
            byKey.merge(key, m, ModelUsage::plus);
        }
        return List.copyOf(byKey.values());
    }

    /** Spans matching {@code test} that have no matching ancestor: a container and its child report one event. */
    private static int countOutermost(List<Span> spans, Tree tree, Predicate<Span> test) {
        Set<SpanId> matching = new HashSet<>();
        spans.stream().filter(test).forEach(s -> matching.add(s.spanId()));
        return (int) matching.stream().filter(id -> !tree.hasAncestorIn(id, matching)).count();
    }

    private static Optional<String> firstValue(List<Span> spans, String[] keys) {
        for (Span s : spans) {
            Attributes a = s.attributes();
            for (String k : keys) {
                Optional<String> v = a.getString(k).map(String::trim).filter(x -> !x.isEmpty());
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    /** Parent links within the trace, guarded against the cycles a broken exporter can send. */
    private static final class Tree {
        private final Map<SpanId, Span> byId;

        Tree(Map<SpanId, Span> byId) {
            this.byId = byId;
        }

        private Optional<SpanId> parent(SpanId id) {
            Span s = byId.get(id);
            return s == null ? Optional.empty() : s.parentSpanId().filter(byId::containsKey);
        }

        boolean hasAncestorIn(SpanId id, Set<SpanId> set) {
            Set<SpanId> seen = new HashSet<>();
            seen.add(id);
            Optional<SpanId> p = parent(id);
            while (p.isPresent() && seen.add(p.get())) {
                if (set.contains(p.get())) {
                    return true;
                }
                p = parent(p.get());
            }
            return false;
        }

        /** Every span that has a member of {@code set} below it; one walk up per member. */
        Set<SpanId> ancestorsOf(Set<SpanId> set) {
            Set<SpanId> ancestors = new HashSet<>();
            for (SpanId member : set) {
                Set<SpanId> seen = new HashSet<>();
                seen.add(member);
                Optional<SpanId> p = parent(member);
                while (p.isPresent() && seen.add(p.get())) {
                    if (!ancestors.add(p.get())) {
                        // reached from another member before: everything above is already marked
                        break;
                    }
                    p = parent(p.get());
                }
            }
            return ancestors;
        }
    }
}
