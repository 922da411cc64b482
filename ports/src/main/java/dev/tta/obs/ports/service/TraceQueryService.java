package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.ports.in.ForgetTraces;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.in.TraceStats;
import dev.tta.obs.ports.in.TraceTimeline;
import dev.tta.obs.ports.out.TraceEraser;
import dev.tta.obs.ports.out.TraceReader;

import java.util.ArrayList;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

public final class TraceQueryService implements QueryTraces, ForgetTraces {
    private final TraceReader reader;
    private final TraceEraser eraser;
    private final Clock clock;
    private final PriceTable prices;

    /**
     * @param prices the table in force now: stored summaries are repriced with it on the way out,
     *               so a trace recorded before a price change never shows a stale cost
     */
    public TraceQueryService(TraceReader reader, TraceEraser eraser, Clock clock, PriceTable prices) {
        this.reader = reader;
        this.eraser = eraser;
        this.clock = clock;
        this.prices = prices;
    }

    @Override
    public TracePage search(TraceSearch search) {
        TracePage page = reader.search(search);
        List<TraceSummary> repriced = new ArrayList<>(page.traces().size());
        for (TraceSummary s : page.traces()) {
            repriced.add(s.rollup().modelUsage().isEmpty() ? s : s.withRollup(s.rollup().reprice(prices)));
        }
        return new TracePage(repriced, page.nextCursor());
    }

    @Override
    public Optional<Trace> trace(TraceId traceId) {
        return reader.findTrace(traceId);
    }

    @Override
    public Optional<TraceTimeline> timeline(TraceId traceId) {
        return reader.findTrace(traceId).map(TraceTimeline::of);
    }

    @Override
    public long traceCount() {
        return reader.traceCount();
    }

    @Override
    public TraceStats stats() {
        return reader.stats(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    @Override
    public List<String> services() {
        return reader.services();
    }

    @Override
    public List<String> operations(Optional<String> service) {
        return reader.operations(service);
    }

    @Override
    public boolean forget(TraceId traceId) {
        return eraser.deleteTrace(traceId);
    }

    @Override
    public long forgetAll() {
        return eraser.deleteAll();
    }
}
