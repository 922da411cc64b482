package dev.tta.obs.ports.out.planted;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.service.TraceQueryService;

/** Planted violation: an outbound port that names an inbound port and a service. Only the architecture test loads it. */
public interface LeakyOutboundPort {
    QueryTraces queries();

    TraceQueryService service(TraceId id);
}
