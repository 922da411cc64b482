package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.ports.in.RateTraces;
import dev.tta.obs.ports.out.FeedbackStore;
import dev.tta.obs.ports.out.WallClock;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Feedback through the API: stored with the clock's time, then told to the live feed. */
public final class FeedbackService implements RateTraces {
    private final FeedbackStore store;
    private final WallClock clock;
    private final BiConsumer<TraceId, List<Feedback>> changed;

    /** @param changed told a trace's feedback after each change (the live feed) */
    public FeedbackService(FeedbackStore store, WallClock clock, BiConsumer<TraceId, List<Feedback>> changed) {
        this.store = store;
        this.clock = clock;
        this.changed = changed;
    }

    @Override
    public Optional<Feedback> addFeedback(NewFeedback feedback) {
        Optional<Feedback> stored = store.addFeedback(feedback, clock.nowUnixNano());
        stored.ifPresent(f -> changed.accept(f.traceId(), feedback(f.traceId())));
        return stored;
    }

    @Override
    public boolean deleteFeedback(TraceId traceId, long feedbackId) {
        boolean deleted = store.deleteFeedback(traceId, feedbackId);
        if (deleted) {
            changed.accept(traceId, feedback(traceId));
        }
        return deleted;
    }

    @Override
    public List<Feedback> feedback(TraceId traceId) {
        return store.feedback(List.of(traceId)).getOrDefault(traceId, List.of());
    }

    @Override
    public Map<TraceId, List<Feedback>> feedback(Collection<TraceId> traceIds) {
        return traceIds.isEmpty() ? Map.of() : store.feedback(traceIds);
    }
}
