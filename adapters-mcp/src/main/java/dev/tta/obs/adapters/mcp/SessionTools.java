package dev.tta.obs.adapters.mcp;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.domain.query.SessionCursor;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.query.SessionSort;
import dev.tta.obs.domain.session.SessionSummary;
import dev.tta.obs.domain.session.Turn;
import dev.tta.obs.ports.in.JsonShapes;
import dev.tta.obs.ports.in.QuerySessions;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.RateTraces;
import dev.tta.obs.ports.in.SessionDetail;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.LinkedHashMap;

/**
 * Sessions (traces sharing a session id, read as conversations) and feedback on runs, as tools:
 * the filters and fields of {@code /api/sessions} and {@code /api/traces/{id}/feedback}.
 */
final class SessionTools {
    /** Who gave feedback through these tools, unless the agent names itself. */
    static final String SOURCE = "mcp";
    private static final int TEXT_CHARS = 300;
    private static final Limit SESSIONS = new Limit("sessions per page", 20, SessionSearch.MAX_LIMIT);
    private static final Limit TURNS = new Limit("turns per page", 20, SessionDetail.MAX_TURNS);

    private final QueryTraces query;
    private final QuerySessions sessions;
    private final RateTraces rate;
    private final Clock clock;

    SessionTools(QueryTraces query, QuerySessions sessions, RateTraces rate, Clock clock) {
        this.query = query;
        this.sessions = sessions;
        this.rate = rate;
        this.clock = clock;
    }

    List<Tool> tools() {
        return List.of(
                new Tool("list_sessions", "List sessions (conversations: traces sharing a session id), newest first; "
                        + "one line each with id, user, turns, duration, tokens, cost, errors and worst outcome.",
                        new Schema()
                                .string("since", "a turn started since: 30m, 24h, 7d or an ISO time")
                                .string("until", "a turn started before: 30m, 24h, 7d ago or an ISO time")
                                .string("service", "a turn ran in this service")
                                .string("workflow", "a turn's root span has this name, exact")
                                .string("user", "a turn names this user id")
                                .choice("status", "the session's worst outcome", "failed", "recovered", "ok")
                                .choice("sort", "newest (default), oldest, duration, cost or turns",
                                        "newest", "oldest", "duration", "cost", "turns")
                                .page(SESSIONS)
                                .build(), this::listSessions),
                new Tool("get_session", "One session as a conversation: per turn (trace) what was asked and answered, "
                        + "the tools used, duration, tokens, cost, outcome and feedback; paged.", new Schema()
                        .required("session_id", "the session id, as list_sessions shows it")
                        .page(TURNS)
                        .build(), this::getSession),
                new Tool("get_feedback", "The feedback on a run, oldest first: thumbs, scores, labels and comments, "
                        + "from people (dashboard, API), agents (add_feedback) and evaluators (OTLP).", new Schema()
                        .required("trace_id", "the trace id (32 hex digits)")
                        .build(), this::getFeedback),
                new Tool("add_feedback", "Judge a run or one of its spans: a name and a score and/or a label, with "
                        + "an optional comment; stored with the trace and shown in the dashboard.", new Schema()
                        .required("trace_id", "the trace id (32 hex digits)")
                        .required("name", "what is judged, e.g. correctness, user-rating, helpfulness")
                        .signedNumber("score", "a number, e.g. 1 or 0 for thumbs, 0..1 for an evaluator")
                        .string("label", "a word, e.g. up, down, pass, fail, hallucination")
                        .string("comment", "why, in a sentence or two")
                        .string("span_id", "judge this span (16 hex digits, as get_trace shows it after '#') "
                                + "instead of the whole run")
                        .string("source", "who judges (default " + SOURCE + ")")
                        .build(), this::addFeedback, true));
    }

    // ---- list_sessions

    private SessionSearch search(ToolArgs a) {
        Optional<RunOutcome> status = a.string("status").map(v -> {
            try {
                return RunOutcome.parse(v);
            } catch (IllegalArgumentException e) {
                throw ToolException.badArgument("status must be one of failed, recovered, ok, got '" + v + "'");
            }
        });
        Optional<SessionCursor> cursor;
        try {
            cursor = a.string("cursor").map(SessionCursor::decode);
        } catch (IllegalArgumentException e) {
            throw ToolException.badArgument(e.getMessage());
        }
        return new SessionSearch(a.time("since", clock.instant()), a.time("until", clock.instant()),
                a.string("service"), a.string("workflow"), a.string("user"), status,
                a.choice("sort", SessionSort.class).orElse(SessionSort.NEWEST),
                SESSIONS.of(a), cursor);
    }

    ToolResult listSessions(ToolArgs a) {
        SessionSearch search = search(a);
        SessionPage page = sessions.sessions(search);
        StringBuilder out = new StringBuilder();
        out.append(page.sessions().size()).append(page.sessions().size() == 1 ? " session" : " sessions")
                .append(" on this page, ").append(search.sort().name().toLowerCase(Locale.ROOT)).append(" first\n");
        Text.Table t = new Text.Table("session_id", "user", "turns", "started", "duration", "tokens", "cost",
                "errors", "status");
        List<Object> rows = new ArrayList<>();
        for (SessionSummary s : page.sessions()) {
            t.row(Text.cut(s.sessionId(), 80), s.userId().map(u -> Text.cut(u, 40)).orElse("-"), s.traceCount(),
                    Text.time(s.startTimeUnixNano()), Text.durationMs(s.durationMs()),
                    s.inputTokens() + "→" + s.outputTokens(), Text.cost(s.costUsd()), s.errorCount(),
                    s.status().label());
            rows.add(JsonShapes.session(s));
        }
        if (t.size() > 0) {
            t.appendTo(out);
        }
        Optional<String> next = page.nextCursor().map(SessionCursor::encode);
        if (!rows.isEmpty()) {
            out.append("turn by turn: get_session with session_id\n");
        }
        TraceTools.more(out, next);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("count", rows.size());
        data.put("sessions", rows);
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }

    // ---- get_session

    ToolResult getSession(ToolArgs a) {
        String id = a.required("session_id");
        int limit = TURNS.of(a);
        int from = TraceTools.offset(a);
        SessionDetail d = sessions.session(id).orElseThrow(
                () -> ToolException.notFound("no stored trace has session id '" + Text.cut(id, 200) + "'"));
        SessionSummary s = d.session();
        List<Turn> turns = d.turns();
        if (from >= turns.size() && !turns.isEmpty()) {
            throw ToolException.badArgument("cursor " + from + " is past the last turn (" + turns.size() + ")");
        }
        int to = Math.min(turns.size(), from + limit);
        StringBuilder out = new StringBuilder();
        out.append("session ").append(s.sessionId()).append("  user ").append(s.userId().orElse("-"))
                .append("  turns ").append(s.traceCount()).append("  started ").append(Text.time(s.startTimeUnixNano()))
                .append("  duration ").append(Text.durationMs(s.durationMs()))
                .append("  tokens ").append(s.inputTokens()).append("→").append(s.outputTokens())
                .append("  cost ").append(Text.cost(s.costUsd())).append("  errors ").append(s.errorCount())
                .append("  status ").append(s.status().label()).append('\n');
        out.append("turns ").append(turns.isEmpty() ? 0 : from + 1).append('-').append(to).append(" of ")
                .append(turns.size()).append(":\n");
        List<Object> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Turn turn = turns.get(i);
            TraceSummary ts = turn.summary();
            List<Feedback> feedback = d.feedback().getOrDefault(ts.traceId(), List.of());
            out.append('#').append(i + 1).append(' ').append(ts.traceId().hex()).append("  ")
                    .append(Text.time(ts.startTimeUnixNano())).append("  ").append(Text.duration(ts.durationNanos()))
                    .append("  ").append(ts.outcome().label()).append("  ").append(ts.rollup().inputTokens())
                    .append("→").append(ts.rollup().outputTokens()).append(" tok ")
                    .append(Text.cost(ts.rollup().costUsd())).append('\n');
            turn.input().ifPresent(v -> out.append("   asked: ").append(Text.cut(v, TEXT_CHARS)).append('\n'));
            turn.answer().ifPresent(v -> out.append("   answered: ").append(Text.cut(v, TEXT_CHARS)).append('\n'));
            if (!turn.tools().isEmpty()) {
                out.append("   tools: ").append(Text.cut(String.join(", ", turn.tools()), TEXT_CHARS)).append('\n');
            }
            for (Feedback f : feedback) {
                out.append("   feedback: ").append(line(f)).append('\n');
            }
            Map<String, Object> row = TraceTools.summaryData(ts);
            row.put("outcome", ts.outcome().label());
            row.put("input", turn.input().orElse(null));
            row.put("output", turn.answer().orElse(null));
            row.put("tools", turn.tools());
            row.put("feedback", JsonShapes.feedback(feedback));
            rows.add(row);
        }
        Optional<String> next = to < turns.size() ? Optional.of(Integer.toString(to)) : Optional.empty();
        TraceTools.more(out, next);
        Map<String, Object> data = JsonShapes.session(s);
        data.put("from", from);
        data.put("traces", rows);
        data.put("nextCursor", next.orElse(null));
        return new ToolResult(out.toString(), data);
    }

    // ---- get_feedback, add_feedback

    private TraceId storedTrace(ToolArgs a) {
        TraceId id = TraceTools.traceId(a.required("trace_id"));
        if (query.trace(id).isEmpty()) {
            throw ToolException.notFound("no trace " + id.hex() + " is stored");
        }
        return id;
    }

    ToolResult getFeedback(ToolArgs a) {
        TraceId id = storedTrace(a);
        List<Feedback> items = rate.feedback(id);
        StringBuilder out = new StringBuilder();
        out.append(items.size()).append(" feedback ").append(items.size() == 1 ? "item" : "items").append(" on trace ")
                .append(id.hex()).append(items.isEmpty() ? "\n" : ", oldest first\n");
        items.forEach(f -> out.append("  ").append(line(f)).append('\n'));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("traceId", id.hex());
        data.put("count", items.size());
        data.put("feedback", JsonShapes.feedback(items));
        return new ToolResult(out.toString(), data);
    }

    ToolResult addFeedback(ToolArgs a) {
        TraceId id = TraceTools.traceId(a.required("trace_id"));
        Optional<SpanId> span = a.string("span_id").map(v -> {
            try {
                return SpanId.of(v);
            } catch (IllegalArgumentException e) {
                throw ToolException.badArgument("span_id must be 16 hex digits, got '" + v + "'");
            }
        });
        NewFeedback feedback;
        try {
            feedback = NewFeedback.of(id, span, a.required("name"), a.finite("score"), a.string("label"),
                    a.string("comment"), Optional.of(a.string("source").orElse(SOURCE)));
        } catch (IllegalArgumentException e) {
            throw ToolException.badArgument(e.getMessage());
        }
        // as the REST API: a span of another trace is the caller's mistake, not something to store
        Optional<Boolean> spanKnown = span.flatMap(sid -> query.timeline(id).map(t -> t.span(sid).isPresent()));
        if (spanKnown.isPresent() && !spanKnown.get()) {
            throw ToolException.notFound("trace " + id.hex() + " has no span " + span.get().hex());
        }
        Feedback f = rate.addFeedback(feedback)
                .orElseThrow(() -> ToolException.notFound("no trace " + id.hex() + " is stored"));
        String text = "stored feedback " + f.id() + " on trace " + id.hex()
                + f.spanId().map(sid -> " span " + sid.hex()).orElse("") + ": " + line(f) + "\n";
        return new ToolResult(text, JsonShapes.feedback(f));
    }

    /** One feedback item in a line: polarity, name, score and label, who, when, span, comment. */
    static String line(Feedback f) {
        StringBuilder b = new StringBuilder();
        b.append(switch (f.polarity()) {
            case POSITIVE -> "+";
            case NEGATIVE -> "-";
            case NEUTRAL -> "~";
        }).append(' ').append(f.name());
        f.score().ifPresent(v -> b.append(" score=").append(v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString(v.longValue()) : Double.toString(v)));
        f.label().ifPresent(v -> b.append(" label=").append(Text.cut(v, 60)));
        b.append(" (").append(f.source()).append(", ").append(Text.time(f.createdAtUnixNano()));
        f.spanId().ifPresent(sid -> b.append(", span ").append(sid.hex()));
        b.append(") #").append(f.id());
        f.comment().ifPresent(c -> b.append(" \"").append(Text.cut(c, TEXT_CHARS)).append('"'));
        return b.toString();
    }
}
