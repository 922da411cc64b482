package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.compare.LineDiff;
import dev.tta.obs.domain.compare.SpanMatching;
import dev.tta.obs.domain.llm.LlmUsage;
import dev.tta.obs.ports.in.CompareRuns;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Two runs span by span, for the dashboard's compare view. */
@Controller("/api/compare")
@ExecuteOn(TaskExecutors.BLOCKING)
public class CompareController {
    private final CompareRuns compare;

    public CompareController(CompareRuns compare) {
        this.compare = compare;
    }

    @Operation(summary = "Two runs matched span by span",
            description = "Rows of the merged span tree (by path and position; LLM calls match across model changes),"
                    + " and a line diff of the messages of each pair of matched LLM calls. See docs/api.md.")
    @Get(produces = "application/json")
    public MutableHttpResponse<?> compare(@Nullable @QueryValue String a, @Nullable @QueryValue String b) {
        Optional<TraceId> ia = id(a);
        Optional<TraceId> ib = id(b);
        if (ia.isEmpty() || ib.isEmpty()) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid trace id",
                    "a and b must each be a trace id of 32 hex digits, got a='" + a + "', b='" + b + "'");
        }
        Optional<CompareRuns.RunDiff> diff = compare.diff(ia.get(), ib.get());
        if (diff.isEmpty()) {
            return ApiProblem.of(HttpStatus.NOT_FOUND, "Trace not found", "trace " + ia.get().hex() + " or "
                    + ib.get().hex() + " is not stored");
        }
        List<Object> rows = new ArrayList<>(diff.get().rows().size());
        for (SpanMatching.Match m : diff.get().rows()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("a", m.a().map(s -> s.spanId().hex()).orElse(null));
            r.put("b", m.b().map(s -> s.spanId().hex()).orElse(null));
            r.put("depth", m.depth());
            r.put("path", m.path());
            r.put("llm", m.llmCall());
            rows.add(r);
        }
        List<Object> calls = new ArrayList<>();
        for (CompareRuns.LlmCallPair p : diff.get().llmCalls()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("a", p.match().a().orElseThrow().spanId().hex());
            c.put("b", p.match().b().orElseThrow().spanId().hex());
            c.put("modelA", model(p.match().a().get()));
            c.put("modelB", model(p.match().b().get()));
            List<Object> lines = new ArrayList<>(p.diff().size());
            for (LineDiff.Line l : p.diff()) {
                lines.add(Map.of("op", l.op().name().toLowerCase(Locale.ROOT), "text", l.text()));
            }
            c.put("diff", lines);
            calls.add(c);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("a", ia.get().hex());
        body.put("b", ib.get().hex());
        body.put("rows", rows);
        body.put("llmCalls", calls);
        return HttpResponse.ok(body);
    }

    private static String model(Span s) {
        return LlmUsage.from(s).flatMap(u -> u.reportedModel().or(u::model)).orElse(null);
    }

    private static Optional<TraceId> id(String hex) {
        if (hex == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TraceId.of(hex.trim()));
        } catch (InvalidTelemetryException e) {
            return Optional.empty();
        }
    }
}
