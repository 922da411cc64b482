package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.TraceCursor;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.in.TraceSelection;
import dev.tta.obs.ports.in.TransferProgress;
import dev.tta.obs.ports.in.TransferTraces;
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
import java.util.Optional;

/** Trace list and trace detail. JDBC runs here, so off the event loop. */
@Controller("/api/traces")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TraceController {
    private final QueryTraces query;
    private final PriceTable prices;
    private final TransferTraces transfer;

    public TraceController(QueryTraces query, PriceTable prices, TransferTraces transfer) {
        this.query = query;
        this.prices = prices;
        this.transfer = transfer;
    }

    /** One trace as a file download, in a format Jaeger UI or another tta-obs can load. */
    @Get(uri = "/{traceId}/export")
    public MutableHttpResponse<?> export(@PathVariable String traceId, @Nullable @QueryValue String format) {
        TraceId id;
        try {
            id = TraceId.of(traceId);
        } catch (InvalidTelemetryException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid trace id", e.getMessage());
        }
        String name = format == null || format.isBlank() ? "jaeger" : format;
        if (!transfer.formats().contains(name)) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Unknown format",
                    "format must be one of " + transfer.formats() + ", got '" + name + "'");
        }
        if (query.trace(id).isEmpty()) {
            return ApiProblem.of(HttpStatus.NOT_FOUND, "Trace not found", "no trace with id " + id.hex() + " is stored");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        transfer.export(TraceSelection.of(id), name, out, TransferProgress.NONE);
        return HttpResponse.ok(out.toByteArray())
                .contentType(transfer.mediaType(name).orElse("application/octet-stream"))
                .header("Content-Disposition", "attachment; filename=\"trace-" + id.hex() + "." + name + ".json\"");
    }

    @Get(produces = "application/json")
    public MutableHttpResponse<?> list(@Nullable @QueryValue String service,
                                       @Nullable @QueryValue String q,
                                       @Nullable @QueryValue Long start,
                                       @Nullable @QueryValue Long end,
                                       @Nullable @QueryValue Boolean errors,
                                       @Nullable @QueryValue Integer limit,
                                       @Nullable @QueryValue String cursor) {
        int n = limit == null ? TraceSearch.DEFAULT_LIMIT : limit;
        if (n < 1 || n > TraceSearch.MAX_LIMIT) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid limit",
                    "limit must be between 1 and " + TraceSearch.MAX_LIMIT + ", got " + n);
        }
        Optional<TraceCursor> after;
        try {
            after = cursor == null || cursor.isBlank() ? Optional.empty() : Optional.of(TraceCursor.decode(cursor));
        } catch (IllegalArgumentException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid cursor", e.getMessage());
        }
        TraceSearch search = new TraceSearch(blankToEmpty(service), blankToEmpty(q), Optional.ofNullable(start),
                Optional.ofNullable(end), Boolean.TRUE.equals(errors), n, after);
        TracePage page = query.search(search);
        List<Object> traces = new ArrayList<>(page.traces().size());
        page.traces().forEach(s -> traces.add(TraceJson.summary(s)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("traces", traces);
        body.put("nextCursor", page.nextCursor().map(TraceCursor::encode).orElse(null));
        return HttpResponse.ok(body);
    }

    @Get(uri = "/{traceId}", produces = "application/json")
    public MutableHttpResponse<?> get(@PathVariable String traceId) {
        TraceId id;
        try {
            id = TraceId.of(traceId);
        } catch (InvalidTelemetryException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid trace id", e.getMessage());
        }
        return query.trace(id)
                .<MutableHttpResponse<?>>map(t -> HttpResponse.ok(TraceJson.trace(t, prices)))
                .orElseGet(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "Trace not found",
                        "no trace with id " + id.hex() + " is stored"));
    }

    private static Optional<String> blankToEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
