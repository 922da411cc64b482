package dev.tta.obs.domain.session;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.UnixNanos;

import java.util.Objects;
import java.util.Optional;

/**
 * A conversation: the traces that share a session id, each one turn.
 *
 * @param userId     a user its turns name (the greatest id, should they name several)
 * @param errorCount turns that failed ({@link RunOutcome#FAILED})
 * @param costUsd    the known cost of its turns; empty when none is priced
 * @param status     its worst turn's outcome
 */
public record SessionSummary(String sessionId, Optional<String> userId, int traceCount, long startTimeUnixNano,
                             long endTimeUnixNano, long inputTokens, long outputTokens, Optional<Double> costUsd,
                             int errorCount, RunOutcome status) {
    public SessionSummary {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(status, "status");
    }

    public double durationMs() {
        return UnixNanos.between(startTimeUnixNano, endTimeUnixNano) / 1_000_000.0;
    }
}
