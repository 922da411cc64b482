package dev.tta.obs.ports.in;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Use case: judge runs (thumbs, scores, comments) and read the judgements back. */
public interface RateTraces {
    /** @return the stored item, or empty when the trace is not stored */
    Optional<Feedback> addFeedback(NewFeedback feedback);

    /** @return whether the trace had feedback with this id */
    boolean deleteFeedback(TraceId traceId, long feedbackId);

    /** The trace's feedback, oldest first. */
    List<Feedback> feedback(TraceId traceId);

    /** The feedback of each of several traces that has any, oldest first; one store query. */
    Map<TraceId, List<Feedback>> feedback(Collection<TraceId> traceIds);
}
