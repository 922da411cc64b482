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
                .orElseGet(() -> new BaselineKey("root:" + summary.serviceName() + "/" + summary.rootName()));
    }
}
