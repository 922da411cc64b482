package dev.tta.obs.domain.check;

import dev.tta.obs.domain.check.CheckResult.Unit;
import dev.tta.obs.domain.check.CheckResult.Verdict;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CI gate's rules: a workflow's runs in the window against its baseline, one result per
 * threshold given. Increases are checked on p50 and on p95, so both a general slow-down and a
 * worse tail fail; a check with nothing to compare (no baseline runs, no priced runs) is skipped,
 * and says so, rather than passed.
 */
public final class RunGate {
    private final CheckThresholds limits;

    public RunGate(CheckThresholds limits) {
        this.limits = limits;
    }

    /**
     * @param baseline the workflow's earlier numbers; empty when it has none
     * @param current  the workflow's runs in the window, at least one
     * @param scores   per feedback score name, the average over {@code current}; names without
     *                 scores are absent
     */
    public List<CheckResult> check(String workflow, Optional<WorkflowNumbers> baseline, List<CheckRun> current,
                                   Map<String, Double> scores) {
        if (current.isEmpty()) {
            throw new IllegalArgumentException("no runs of " + workflow + " to check");
        }
        WorkflowNumbers now = WorkflowNumbers.of(current);
        Optional<WorkflowNumbers> base = baseline.filter(b -> b.runs() > 0);
        List<CheckResult> out = new ArrayList<>();
        limits.maxLatencyIncreasePct().ifPresent(limit -> {
            out.add(increase(workflow, "latency p50", Unit.MS, base.map(WorkflowNumbers::p50Ms),
                    Optional.of(now.p50Ms()), limit, null));
            out.add(increase(workflow, "latency p95", Unit.MS, base.map(WorkflowNumbers::p95Ms),
                    Optional.of(now.p95Ms()), limit, null));
        });
        limits.maxCostIncreasePct().ifPresent(limit -> {
            String unpriced = "no run has a known cost (is the model priced? see docs/costs.md)";
            out.add(increase(workflow, "cost p50", Unit.USD, base.flatMap(WorkflowNumbers::p50CostUsd),
                    now.p50CostUsd(), limit, unpriced));
            out.add(increase(workflow, "cost p95", Unit.USD, base.flatMap(WorkflowNumbers::p95CostUsd),
                    now.p95CostUsd(), limit, unpriced));
        });
        limits.maxTokenIncreasePct().ifPresent(limit -> {
            out.add(increase(workflow, "tokens p50", Unit.TOKENS, base.map(WorkflowNumbers::p50Tokens),
                    Optional.of(now.p50Tokens()), limit, null));
            out.add(increase(workflow, "tokens p95", Unit.TOKENS, base.map(WorkflowNumbers::p95Tokens),
                    Optional.of(now.p95Tokens()), limit, null));
        });
        limits.maxErrorRatePct().ifPresent(limit -> out.add(errorRate(workflow, base, now, limit)));
        limits.maxCostUsd().ifPresent(limit -> out.add(costPerRun(workflow, current, limit)));
        limits.minScores().forEach((name, min) -> out.add(score(workflow, name, scores.get(name), min)));
        return out;
    }

    /** The result that stands for a workflow the gate was asked about but that had no runs in the window. */
    public static CheckResult noRuns(String workflow, String window) {
        return new CheckResult(workflow, "runs", Unit.RUNS, Optional.empty(), Optional.of(0.0), Optional.empty(), 1,
                Verdict.FAIL, "no runs of " + workflow + " " + window + ": did the tests send their traces here?");
    }

    private static CheckResult increase(String workflow, String check, Unit unit, Optional<Double> base,
                                        Optional<Double> current, double limitPct, String noCurrent) {
        if (current.isEmpty()) {
            return new CheckResult(workflow, check, unit, base, current, Optional.empty(), limitPct, Verdict.SKIP,
                    "skipped: in the window " + noCurrent);
        }
        double c = current.get();
        if (base.isEmpty()) {
            return new CheckResult(workflow, check, unit, base, current, Optional.empty(), limitPct, Verdict.SKIP,
                    "skipped: no baseline " + (noCurrent == null ? "runs" : "run with a known cost")
                            + " to compare with");
        }
        double b = base.get();
        if (b == 0) {
            boolean same = c == 0;
            return new CheckResult(workflow, check, unit, base, current, same ? Optional.of(0.0) : Optional.empty(),
                    limitPct, same ? Verdict.PASS : Verdict.FAIL,
                    same ? "unchanged at 0" : check + " rose from 0 to " + format(unit, c) + ", more than the "
                            + percent(limitPct) + " allowed");
        }
        double change = (c - b) / b * 100;
        String fromTo = " (" + format(unit, b) + " → " + format(unit, c) + ")";
        if (change > limitPct) {
            return new CheckResult(workflow, check, unit, base, current, Optional.of(change), limitPct, Verdict.FAIL,
                    check + " rose " + percent(change) + fromTo + ", more than the " + percent(limitPct) + " allowed");
        }
        return new CheckResult(workflow, check, unit, base, current, Optional.of(change), limitPct, Verdict.PASS,
                (change >= 0 ? "rose " + percent(change) : "fell " + percent(-change)) + fromTo + ", within "
                        + percent(limitPct));
    }

    private static CheckResult errorRate(String workflow, Optional<WorkflowNumbers> base, WorkflowNumbers now,
                                         double limitPct) {
        double rate = now.failedRate() * 100;
        Optional<Double> baseRate = base.map(b -> b.failedRate() * 100);
        String counts = now.failedRuns() + " of " + now.runs() + " runs failed (" + percent(rate) + ")";
        boolean over = rate > limitPct;
        return new CheckResult(workflow, "error rate", Unit.PERCENT, baseRate, Optional.of(rate), Optional.empty(),
                limitPct, over ? Verdict.FAIL : Verdict.PASS,
                counts + (over ? ", more than the " : ", within the ") + percent(limitPct) + " allowed");
    }

    private static CheckResult costPerRun(String workflow, List<CheckRun> current, double limitUsd) {
        List<CheckRun> priced = current.stream().filter(r -> r.costUsd().isPresent()).toList();
        if (priced.isEmpty()) {
            return new CheckResult(workflow, "cost per run", Unit.USD, Optional.empty(), Optional.empty(),
                    Optional.empty(), limitUsd, Verdict.SKIP,
                    "skipped: no run in the window has a known cost (is the model priced? see docs/costs.md)");
        }
        CheckRun costliest = priced.stream().max(Comparator.comparingDouble(r -> r.costUsd().get())).get();
        double most = costliest.costUsd().get();
        long over = priced.stream().filter(r -> r.costUsd().get() > limitUsd).count();
        String unpriced = priced.size() < current.size()
                ? " (" + (current.size() - priced.size()) + " runs without a known cost)" : "";
        if (over > 0) {
            return new CheckResult(workflow, "cost per run", Unit.USD, Optional.empty(), Optional.of(most),
                    Optional.empty(), limitUsd, Verdict.FAIL,
                    over + " of " + current.size() + " runs cost more than " + format(Unit.USD, limitUsd)
                            + "; the costliest, " + format(Unit.USD, most) + ", was trace " + costliest.traceId()
                            + unpriced);
        }
        return new CheckResult(workflow, "cost per run", Unit.USD, Optional.empty(), Optional.of(most),
                Optional.empty(), limitUsd, Verdict.PASS,
                "the costliest run cost " + format(Unit.USD, most) + ", within " + format(Unit.USD, limitUsd)
                        + unpriced);
    }

    private static CheckResult score(String workflow, String name, Double average, double min) {
        String check = "score " + name;
        if (average == null) {
            return new CheckResult(workflow, check, Unit.SCORE, Optional.empty(), Optional.empty(), Optional.empty(),
                    min, Verdict.FAIL, "no scores named " + name + " on the runs in the window");
        }
        boolean low = average < min;
        return new CheckResult(workflow, check, Unit.SCORE, Optional.empty(), Optional.of(average), Optional.empty(),
                min, low ? Verdict.FAIL : Verdict.PASS,
                "average " + name + " " + format(Unit.SCORE, average) + (low ? " is below the " : " meets the ")
                        + format(Unit.SCORE, min) + " required");
    }

    /** A value as the table and the reasons print it. */
    public static String format(Unit unit, double v) {
        return switch (unit) {
            case MS -> v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.1f ms", v);
            // cheap runs cost fractions of a cent: three significant digits keep a 30% change visible
            case USD -> v >= 1 || v == 0 ? String.format(Locale.ROOT, "$%.2f", v)
                    : "$" + new BigDecimal(v).round(new MathContext(3)).toPlainString();
            case TOKENS, RUNS -> String.format(Locale.ROOT, "%,.0f", v);
            case PERCENT -> percent(v);
            case SCORE -> String.format(Locale.ROOT, "%.3g", v);
        };
    }

    public static String percent(double pct) {
        return String.format(Locale.ROOT, "%.1f%%", pct).replace(".0%", "%");
    }
}
