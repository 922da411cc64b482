package dev.tta.obs.domain.query;

import dev.tta.obs.domain.session.SessionSummary;

import java.util.List;
import java.util.Optional;

/** One page of sessions, with a cursor when more may follow. */
public record SessionPage(List<SessionSummary> sessions, Optional<SessionCursor> nextCursor) {
    public SessionPage {
        sessions = List.copyOf(sessions);
    }
}
