package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.telemetry.LogEntry;

import java.util.List;

/** Use case: read the log records written inside one trace. */
public interface QueryLogs {
    /** The trace's log records by time, at most {@code limit}; empty when there are none. */
    List<LogEntry> logsOfTrace(TraceId traceId, int limit);
}
