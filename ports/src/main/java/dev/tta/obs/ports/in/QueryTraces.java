package dev.tta.obs.ports.in;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;

import java.util.Optional;

/** Use case: find traces and read one whole. */
public interface QueryTraces {
    TracePage search(TraceSearch search);

    Optional<Trace> trace(TraceId traceId);

    long traceCount();
}
