package dev.tta.obs.domain.regression;

import dev.tta.obs.domain.TraceSummary;

import java.util.Objects;

/**
 * Which runs are "the same workflow": the workflow name when the application reports one, otherwise
 * the root span's name within its service (two services may both have a root called {@code main}).
 */
public record BaselineKey(String value) {
    public BaselineKey {
        Objects.requireNonNull(value, "value");
    }

    public static BaselineKey of(TraceSummary summary) {
        return summary.rollup().workflowName().filter(n -> !n.isBlank())
                .map(n -> new BaselineKey("workflow:" + n))
                .orElseGet(() -> new BaselineKey(ROOT + summary.serviceName() + "/" + summary.rootName()));
    }

    /** Whether runs are matched by service and root span name (no workflow name reported). */
    public boolean isRootName() {
        return value.startsWith(ROOT);
    }

    private static final String ROOT = "root:";
}
