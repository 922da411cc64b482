package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.out.TraceReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class TraceQueryService implements QueryTraces {
    private final TraceReader reader;
    private final PriceTable prices;

    /**
     * @param prices the table in force now: stored summaries are repriced with it on the way out,
     *               so a trace recorded before a price change never shows a stale cost
     */
    public TraceQueryService(TraceReader reader, PriceTable prices) {
        this.reader = reader;
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
    public long traceCount() {
        return reader.traceCount();
    }
}
