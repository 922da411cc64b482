package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.QueryLogs;
import dev.tta.obs.ports.in.QueryMetrics;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.domain.telemetry.MetricSeries;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Metrics and logs received over OTLP, read back for charts and for a trace's log panel. */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TelemetryController {
    private static final int MAX_POINTS = 10_000;
    private static final int MAX_LOGS = 5_000;

    private final QueryMetrics metrics;
    private final QueryLogs logs;

    public TelemetryController(QueryMetrics metrics, QueryLogs logs) {
        this.metrics = metrics;
        this.logs = logs;
    }

    @Get(uri = "/metrics/names", produces = "application/json")
    public MutableHttpResponse<?> names() {
        return HttpResponse.ok(Map.of("names", metrics.names()));
    }

    /** {@code attr=k=v} may repeat; a series matches when it has every one of them. */
    @Get(uri = "/metrics", produces = "application/json")
    public MutableHttpResponse<?> series(@Nullable @QueryValue String name, @Nullable @QueryValue("attr") List<String> attr) {
        if (name == null || name.isBlank()) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Missing metric name",
                    "give the metric with ?name=; GET /api/metrics/names lists them");
        }
        Map<String, String> filter = new LinkedHashMap<>();
        for (String a : attr == null ? List.<String>of() : attr) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid attr filter",
                        "attr must be key=value, got '" + a + "'");
            }
            filter.put(a.substring(0, eq), a.substring(eq + 1));
        }
        List<Object> series = new ArrayList<>();
        for (MetricSeries s : metrics.series(name.trim(), filter, MAX_POINTS)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("serviceName", s.serviceName());
            m.put("unit", s.unit());
            m.put("type", s.type().name());
            m.put("attributes", TraceJson.attributes(s.attributes()));
            List<Object> points = new ArrayList<>(s.points().size());
            for (MetricSeries.Point p : s.points()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("timeUnixNano", TraceJson.nanos(p.timeUnixNano()));
                pm.put("value", Double.isFinite(p.value()) ? p.value() : Double.toString(p.value()));
                pm.put("count", p.count());
                points.add(pm);
            }
            m.put("points", points);
            series.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.trim());
        body.put("series", series);
        return HttpResponse.ok(body);
    }

    @Get(uri = "/traces/{traceId}/logs", produces = "application/json")
    public MutableHttpResponse<?> logsOfTrace(@PathVariable String traceId) {
        TraceId id;
        try {
            id = TraceId.of(traceId);
        } catch (InvalidTelemetryException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid trace id", e.getMessage());
        }
        List<Object> out = new ArrayList<>();
        for (LogEntry l : logs.logsOfTrace(id, MAX_LOGS)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("timeUnixNano", TraceJson.nanos(l.timeUnixNano()));
            m.put("observedTimeUnixNano", TraceJson.nanos(l.observedTimeUnixNano()));
            m.put("severityNumber", l.severityNumber());
            m.put("severityText", l.severityText());
            m.put("body", l.body().map(TraceJson::value).orElse(null));
            m.put("attributes", TraceJson.attributes(l.attributes()));
            m.put("droppedAttributesCount", l.droppedAttributesCount());
            m.put("traceId", id.hex());
            m.put("spanId", l.spanId().map(s -> s.hex()).orElse(null));
            m.put("flags", l.flags());
            m.put("eventName", l.eventName());
            m.put("serviceName", l.resource().serviceName());
            m.put("scope", Map.of("name", l.scope().name(), "version", l.scope().version()));
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("traceId", id.hex());
        body.put("logs", out);
        return HttpResponse.ok(body);
    }
}
