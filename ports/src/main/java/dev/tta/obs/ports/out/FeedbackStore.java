package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feedback on stored traces. Contract, checked by the storage contract suite: durable before
 * return; kept with its trace, so deleting a trace (one, all, or by retention) deletes its
 * feedback in the same transaction; ids are never reused. Feedback the spans carry as GenAI
 * evaluation events ({@link dev.tta.obs.domain.feedback.EvaluationEvents}) is stored by the
 * span write that adds them, once however often the span is resent.
 */
public interface FeedbackStore {
    /**
     * Stores {@code feedback} if its trace is stored.
     *
     * @return the stored item with its id and time, or empty when the trace is not stored
     */
    Optional<Feedback> addFeedback(NewFeedback feedback, long createdAtUnixNano);

    /**
     * Stores feedback read from evaluation events sent apart from their spans (log records), once
     * per origin, whether or not the trace is stored yet: the log may come before the spans. Such
     * items are deleted with their trace when it arrives and goes; retention by age also deletes
     * those no stored trace claims.
     */
    void addEvaluations(List<NewFeedback> evaluations, long arrivedUnixNano);

    /** @return whether the trace had feedback with this id (and now has not) */
    boolean deleteFeedback(TraceId traceId, long feedbackId);

    /**
     * The feedback of each of the traces that has any, oldest first; traces without are absent.
     * Stores answer with one query (a page of the trace list asks for its rows at once).
     */
    Map<TraceId, List<Feedback>> feedback(Collection<TraceId> traceIds);
}
