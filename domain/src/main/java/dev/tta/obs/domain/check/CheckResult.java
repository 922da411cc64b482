package dev.tta.obs.domain.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One check of one workflow: what it compared, and why it passed, failed or was skipped.
 *
 * @param check         e.g. {@code latency p95}, {@code error rate}, {@code score helpfulness}
 * @param baseline      the baseline's value, when the check compares with one and there is one
 * @param current       the window's value; empty when there is nothing to measure
 * @param changePercent the change from the baseline in percent; empty when there is no baseline,
 *                      or it was zero (any rise from zero counts as over every increase limit)
 * @param limit         the threshold, in the check's unit (a percentage for increases)
 * @param reason        one sentence a person reads in the table or the JUnit failure
 */
public record CheckResult(String workflow, String check, Unit unit, Optional<Double> baseline,
                          Optional<Double> current, Optional<Double> changePercent, double limit, Verdict verdict,
                          String reason) {

    public enum Verdict { PASS, FAIL, SKIP }

    /** What a value of the check measures; increase checks have percent limits on a value of this unit. */
    public enum Unit { MS, USD, TOKENS, PERCENT, SCORE, RUNS }

    public CheckResult {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(changePercent, "changePercent");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }
}
