package dev.tta.obs.domain.query;

import dev.tta.obs.domain.RunOutcome;

import java.util.Objects;
import java.util.Optional;

/**
 * A search of sessions: traces that share a session id. A session matches when one of its traces
 * matches every trace filter (time window on the start, service, workflow, user); its numbers are
 * then over all of its traces, and {@code status} filters on the session's own status (its worst
 * run's outcome).
 *
 * @param workflow the traces' root span name, as the trace list's {@code root} filter
 */
public record SessionSearch(Optional<Long> startFromUnixNano, Optional<Long> startToUnixNano,
                            Optional<String> serviceName, Optional<String> workflow, Optional<String> userId,
                            Optional<RunOutcome> status, SessionSort sort, int limit,
                            Optional<SessionCursor> cursor) {
    public static final int MAX_LIMIT = 500;
    public static final int DEFAULT_LIMIT = 50;

    public SessionSearch {
        Objects.requireNonNull(startFromUnixNano, "startFromUnixNano");
        Objects.requireNonNull(startToUnixNano, "startToUnixNano");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static SessionSearch newest(int limit) {
        return new SessionSearch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), SessionSort.NEWEST, limit, Optional.empty());
    }

    public SessionSearch withCursor(Optional<SessionCursor> next) {
        return new SessionSearch(startFromUnixNano, startToUnixNano, serviceName, workflow, userId, status, sort,
                limit, next);
    }
}
