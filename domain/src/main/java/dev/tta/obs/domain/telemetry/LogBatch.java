package dev.tta.obs.domain.telemetry;

import java.util.List;

/** The log records of one logs export request, already validated. */
public record LogBatch(List<LogEntry> logs) {
    public LogBatch {
        logs = List.copyOf(logs);
    }

    public int size() {
        return logs.size();
    }
}
