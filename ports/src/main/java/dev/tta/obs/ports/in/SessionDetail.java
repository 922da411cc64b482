package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.session.SessionSummary;
import dev.tta.obs.domain.session.Turn;

import java.util.List;
import java.util.Map;

/**
 * A session read as a conversation.
 *
 * @param turns     its traces by start time, at most {@link #MAX_TURNS}
 * @param feedback  the turns' feedback, by trace
 */
public record SessionDetail(SessionSummary session, List<Turn> turns, Map<TraceId, List<Feedback>> feedback) {
    public static final int MAX_TURNS = 1000;

    public SessionDetail {
        turns = List.copyOf(turns);
        feedback = Map.copyOf(feedback);
    }
}
