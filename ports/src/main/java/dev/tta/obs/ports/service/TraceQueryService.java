package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.TracePage;
import dev.tta.obs.ports.in.TraceSearch;
import dev.tta.obs.ports.out.TraceReader;

import java.util.Optional;

public final class TraceQueryService implements QueryTraces {
    private final TraceReader reader;

    public TraceQueryService(TraceReader reader) {
        this.reader = reader;
    }

    @Override
    public TracePage search(TraceSearch search) {
        return reader.search(search);
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
