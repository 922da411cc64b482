package dev.tta.obs.ports.in;

import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;

import java.util.Optional;

/** Use case: list conversations (traces sharing a session id) and read one turn by turn. */
public interface QuerySessions {
    SessionPage sessions(SessionSearch search);

    /** The session with its turns in order; empty when no stored trace has this session id. */
    Optional<SessionDetail> session(String sessionId);
}
