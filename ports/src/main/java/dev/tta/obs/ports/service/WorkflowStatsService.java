package dev.tta.obs.ports.service;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostSummary;
import dev.tta.obs.domain.cost.ModelUsage;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.ports.in.QueryWorkflowStats;
import dev.tta.obs.ports.out.TraceReader;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.tta.obs.domain.Percentiles.nearestRank;

/**
 * Primitive and LLM numbers from trace summaries: a primitive's "calls" are traces that used it;
 * LLM usage by model or provider comes from each summary's per-model usage, priced with the table
 * in force now (a model the table does not know counts its tokens, not a made-up cost).
 */
public final class WorkflowStatsService implements QueryWorkflowStats {
    static final String UNKNOWN = "unknown";
    private final TraceReader reader;
    private final PriceTable prices;

    public WorkflowStatsService(TraceReader reader, PriceTable prices) {
        this.reader = reader;
        this.prices = prices;
    }

    private static final class PrimitiveAcc {
        long calls;
        long errors;
        long cacheHits;
        long cacheMisses;
        long retries;
        long fallbacks;
        double[] durations = new double[16];

        void add(TraceSummary s) {
            if (calls == durations.length) {
                durations = Arrays.copyOf(durations, durations.length * 2);
            }
            durations[(int) calls] = s.durationMs();
            calls++;
            // a run that recovered from its errors is not a failure of the primitive's workflow
            if (s.outcome() == RunOutcome.FAILED) {
                errors++;
            }
            WorkflowRollup r = s.rollup();
            cacheHits += r.cacheHits();
            cacheMisses += r.cacheMisses();
            retries += r.retries();
            fallbacks += r.fallbacksUsed();
        }
    }

    @Override
    public List<PrimitiveStats> primitives(Optional<Long> sinceUnixNano) {
        Map<String, PrimitiveAcc> byType = new TreeMap<>();
        reader.scanSummaries(sinceUnixNano.orElse(Long.MIN_VALUE), s -> {
            for (String type : s.rollup().primitiveTypes()) {
                byType.computeIfAbsent(type, k -> new PrimitiveAcc()).add(s);
            }
        });
        List<PrimitiveStats> out = new ArrayList<>(byType.size());
        byType.forEach((type, a) -> {
            double[] d = Arrays.copyOf(a.durations, (int) a.calls);
            Arrays.sort(d);
            long lookups = a.cacheHits + a.cacheMisses;
            out.add(new PrimitiveStats(type, a.calls, a.errors, nearestRank(d, 0.50), nearestRank(d, 0.95),
                    nearestRank(d, 0.99),
                    lookups == 0 ? Optional.empty() : Optional.of((double) a.cacheHits / lookups),
                    a.retries,
                    type.equals("fallback") ? Optional.of((double) a.fallbacks / a.calls) : Optional.empty()));
        });
        return out;
    }


    private static final class UsageAcc {
        long calls;
        long in;
        long out;
        double cost;
        boolean priced;
    }

    @Override
    public List<LlmUsage> llmUsage(LlmUsageGrouping groupBy, Optional<Long> sinceUnixNano) {
        Map<String, UsageAcc> rows = new TreeMap<>();
        reader.scanSummaries(sinceUnixNano.orElse(Long.MIN_VALUE), s -> {
            WorkflowRollup r = s.rollup();
            if (r.llmCalls() == 0) {
                return;
            }
            if (groupBy == LlmUsageGrouping.MODEL || groupBy == LlmUsageGrouping.PROVIDER) {
                for (ModelUsage u : r.modelUsage()) {
                    String name = groupBy == LlmUsageGrouping.MODEL ? u.model() : u.provider();
                    UsageAcc a = rows.computeIfAbsent(name.isEmpty() ? UNKNOWN : name, k -> new UsageAcc());
                    a.calls += u.calls();
                    a.in += u.inputTokens();
                    a.out += u.outputTokens();
                    Optional<Double> cost = CostSummary.of(List.of(u), prices).costUsd();
                    if (cost.isPresent()) {
                        a.cost += cost.get();
                        a.priced = true;
                    }
                }
                return;
            }
            String key = switch (groupBy) {
                case DAY -> Instant.ofEpochSecond(0, s.startTimeUnixNano()).atZone(ZoneOffset.UTC).toLocalDate().toString();
                case WORKFLOW -> r.workflowName().orElse(UNKNOWN);
                case MODEL, PROVIDER -> UNKNOWN;
            };
            UsageAcc a = rows.computeIfAbsent(key, k -> new UsageAcc());
            a.calls += r.llmCalls();
            a.in += r.inputTokens();
            a.out += r.outputTokens();
            if (r.costUsd().isPresent()) {
                a.cost += r.costUsd().get();
                a.priced = true;
            }
        });
        List<LlmUsage> out = new ArrayList<>(rows.size());
        rows.forEach((k, a) -> out.add(new LlmUsage(k, a.calls, a.in, a.out,
                a.priced ? Optional.of(a.cost) : Optional.empty())));
        return out;
    }
}
