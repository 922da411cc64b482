package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.query.SessionCursor;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.query.SessionSort;
import dev.tta.obs.ports.in.QuerySessions;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Sessions: traces that share a session id, listed and read as conversations. */
@Controller("/api/sessions")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SessionController {
    private final QuerySessions sessions;

    public SessionController(QuerySessions sessions) {
        this.sessions = sessions;
    }

    @Operation(summary = "Search sessions", description = "A session matches when one of its traces matches every"
            + " trace filter; status filters on the session's worst outcome. See docs/api.md.")
    @Get(produces = "application/json")
    public MutableHttpResponse<?> list(@Nullable @QueryValue @Parameter(description = "start of the window, Unix ns") Long start,
                                       @Nullable @QueryValue @Parameter(description = "end of the window, Unix ns") Long end,
                                       @Nullable @QueryValue String service,
                                       @Nullable @QueryValue @Parameter(description = "the traces' root span name, exact") String workflow,
                                       @Nullable @QueryValue String user,
                                       @Nullable @QueryValue @Parameter(description = "failed, recovered or ok") String status,
                                       @Nullable @QueryValue @Parameter(description = "newest, oldest, duration, cost or turns") String sort,
                                       @Nullable @QueryValue Integer limit,
                                       @Nullable @QueryValue String cursor) {
        SessionSearch search;
        try {
            int n = limit == null ? SessionSearch.DEFAULT_LIMIT : limit;
            Optional<RunOutcome> outcome = blank(status).map(SessionController::outcome);
            SessionSort order = blank(sort).map(SessionController::sort).orElse(SessionSort.NEWEST);
            Optional<SessionCursor> after = blank(cursor).map(SessionCursor::decode);
            search = new SessionSearch(Optional.ofNullable(start), Optional.ofNullable(end), blank(service),
                    blank(workflow), blank(user), outcome, order, n, after);
        } catch (IllegalArgumentException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid session search", e.getMessage());
        }
        SessionPage page = sessions.sessions(search);
        List<Object> rows = new ArrayList<>(page.sessions().size());
        page.sessions().forEach(s -> rows.add(SessionJson.session(s)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessions", rows);
        body.put("nextCursor", page.nextCursor().map(SessionCursor::encode).orElse(null));
        return HttpResponse.ok(body);
    }

    @Operation(summary = "One session with its traces' summaries in order, each with its input, answer, tools and feedback")
    @Get(uri = "/{sessionId}", produces = "application/json")
    public MutableHttpResponse<?> get(@PathVariable String sessionId) {
        return sessions.session(sessionId)
                .<MutableHttpResponse<?>>map(d -> HttpResponse.ok(SessionJson.detail(d)))
                .orElseGet(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "Session not found",
                        "no stored trace has session id '" + sessionId + "'"));
    }

    private static RunOutcome outcome(String s) {
        try {
            return RunOutcome.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be failed, recovered or ok, got '" + s + "'");
        }
    }

    private static SessionSort sort(String s) {
        try {
            return SessionSort.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sort must be newest, oldest, duration, cost or turns, got '" + s + "'");
        }
    }

    private static Optional<String> blank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
