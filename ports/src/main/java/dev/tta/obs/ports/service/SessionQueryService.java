package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.session.SessionSummary;
import dev.tta.obs.domain.session.Turn;
import dev.tta.obs.ports.in.QuerySessions;
import dev.tta.obs.ports.in.SessionDetail;
import dev.tta.obs.ports.out.FeedbackStore;
import dev.tta.obs.ports.out.SessionReader;
import dev.tta.obs.ports.out.TraceReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sessions from the store's session columns; a session's turns read from their spans. */
public final class SessionQueryService implements QuerySessions {
    private final SessionReader sessions;
    private final TraceReader traces;
    private final FeedbackStore feedback;
    private final PriceTable prices;

    /** @param prices the table in force now, so a turn's cost is never stale (as in the trace list) */
    public SessionQueryService(SessionReader sessions, TraceReader traces, FeedbackStore feedback, PriceTable prices) {
        this.sessions = sessions;
        this.traces = traces;
        this.feedback = feedback;
        this.prices = prices;
    }

    @Override
    public SessionPage sessions(SessionSearch search) {
        return sessions.sessions(search);
    }

    @Override
    public Optional<SessionDetail> session(String sessionId) {
        Optional<SessionSummary> summary = sessions.session(sessionId);
        if (summary.isEmpty()) {
            return Optional.empty();
        }
        List<TraceSummary> ordered = sessions.sessionTraces(sessionId, SessionDetail.MAX_TURNS);
        List<Turn> turns = new ArrayList<>(ordered.size());
        List<TraceId> ids = new ArrayList<>(ordered.size());
        for (TraceSummary s : ordered) {
            TraceSummary repriced = s.rollup().modelUsage().isEmpty() ? s : s.withRollup(s.rollup().reprice(prices));
            // the spans say what was asked and answered; a trace deleted since the list keeps its summary
            turns.add(traces.findTrace(s.traceId())
                    .map(t -> Turn.of(new Trace(repriced, t.spans())))
                    .orElseGet(() -> Turn.of(repriced)));
            ids.add(s.traceId());
        }
        return Optional.of(new SessionDetail(summary.get(), turns, feedback.feedback(ids)));
    }
}
