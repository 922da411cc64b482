package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.RateTraces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.tta.obs.adapters.web.ApiProblem.invalidTraceId;
import static dev.tta.obs.adapters.web.ApiProblem.traceId;
import static dev.tta.obs.adapters.web.ApiProblem.traceNotFound;

/**
 * Feedback on a trace or one of its spans. Writes go through {@link LocalhostGuard} like every
 * other POST and DELETE (Host, Origin, token).
 */
@Controller("/api/traces/{traceId}/feedback")
@ExecuteOn(TaskExecutors.BLOCKING)
public class FeedbackController {
    private static final Set<String> FIELDS = Set.of("spanId", "name", "score", "label", "comment", "source");
    private final RateTraces rate;
    private final QueryTraces query;
    private final JsonMapper json;

    public FeedbackController(RateTraces rate, QueryTraces query, JsonMapper json) {
        this.rate = rate;
        this.query = query;
        this.json = json;
    }

    @Operation(summary = "Give feedback on a trace or a span",
            description = "{\"spanId\"?, \"name\", \"score\"?, \"label\"?, \"comment\"?, \"source\"?}; a score or a"
                    + " label is required. 201 with the stored item. See docs/api.md.")
    @Post(consumes = MediaType.APPLICATION_JSON, produces = "application/json")
    public MutableHttpResponse<?> add(@PathVariable String traceId, @Nullable @Body String body) {
        Optional<TraceId> id = traceId(traceId);
        if (id.isEmpty()) {
            return invalidTraceId(traceId);
        }
        NewFeedback feedback;
        try {
            feedback = parse(id.get(), body);
        } catch (IllegalArgumentException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid feedback", e.getMessage());
        }
        if (feedback.spanId().isPresent()) {
            // a span of another trace (or none) is a client's mistake worth telling, not storing
            boolean known = query.timeline(id.get()).map(t -> t.span(feedback.spanId().get()).isPresent())
                    .orElse(true);
            if (!known) {
                return ApiProblem.of(HttpStatus.NOT_FOUND, "Span not found",
                        "trace " + id.get().hex() + " has no span " + feedback.spanId().get().hex());
            }
        }
        Optional<Feedback> stored = rate.addFeedback(feedback);
        return stored.<MutableHttpResponse<?>>map(f -> HttpResponse.created(SessionJson.feedback(f)))
                .orElseGet(() -> traceNotFound(id.get()));
    }

    @Operation(summary = "The feedback of a trace, oldest first")
    @Get(produces = "application/json")
    public MutableHttpResponse<?> list(@PathVariable String traceId) {
        Optional<TraceId> id = traceId(traceId);
        if (id.isEmpty()) {
            return invalidTraceId(traceId);
        }
        if (query.trace(id.get()).isEmpty()) {
            return traceNotFound(id.get());
        }
        return HttpResponse.ok(Map.of("feedback", SessionJson.feedback(rate.feedback(id.get()))));
    }

    @Operation(summary = "Delete one feedback item")
    @Delete(uri = "/{feedbackId}")
    public MutableHttpResponse<?> delete(@PathVariable String traceId, @PathVariable String feedbackId) {
        Optional<TraceId> id = traceId(traceId);
        if (id.isEmpty()) {
            return invalidTraceId(traceId);
        }
        long fid;
        try {
            fid = Long.parseLong(feedbackId);
        } catch (NumberFormatException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid feedback id",
                    "a feedback id is a number, got '" + feedbackId + "'");
        }
        return rate.deleteFeedback(id.get(), fid) ? HttpResponse.noContent()
                : ApiProblem.of(HttpStatus.NOT_FOUND, "Feedback not found",
                        "trace " + id.get().hex() + " has no feedback " + fid);
    }

    private NewFeedback parse(TraceId traceId, String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("the body must be a JSON object with a name and a score or a label");
        }
        Map<String, Object> m;
        try {
            m = json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        if (m == null) {
            throw new IllegalArgumentException("the body must be a JSON object with a name and a score or a label");
        }
        for (String k : m.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new IllegalArgumentException("unknown field '" + k + "'; feedback has " + FIELDS);
            }
        }
        Optional<SpanId> span = text(m, "spanId").map(s -> {
            try {
                return SpanId.of(s);
            } catch (InvalidTelemetryException e) {
                throw new IllegalArgumentException("spanId: " + e.getMessage());
            }
        });
        Object score = m.get("score");
        if (score != null && !(score instanceof Number)) {
            throw new IllegalArgumentException("score must be a number, got " + score);
        }
        Optional<Double> s = score == null ? Optional.empty() : Optional.of(((Number) score).doubleValue());
        return NewFeedback.of(traceId, span, text(m, "name").orElse(""), s, text(m, "label"), text(m, "comment"),
                text(m, "source"));
    }

    private static Optional<String> text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(key + " must be a string, got " + v);
        }
        return Optional.of(s);
    }
}
