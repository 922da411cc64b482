package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.session.SessionSummary;

import java.util.List;
import java.util.Optional;

/**
 * Sessions: the stored traces grouped by their summaries' session id
 * ({@link dev.tta.obs.domain.WorkflowRollup#sessionId()}). A store keeps the id (and the user's)
 * in columns with an index, so neither call scans every trace.
 */
public interface SessionReader {
    /** The sessions matching every filter of the search, in its order, with a cursor when more may follow. */
    SessionPage sessions(SessionSearch search);

    /** One session's numbers; empty when no stored trace has this session id. */
    Optional<SessionSummary> session(String sessionId);

    /** The session's trace summaries by start time (then trace id), at most {@code limit}. */
    List<TraceSummary> sessionTraces(String sessionId, int limit);
}
