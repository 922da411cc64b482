package dev.tta.obs.app;

import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.adapters.web.ServiceInfo;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.service.GroupCommitIngest;
import dev.tta.obs.ports.service.TraceQueryService;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.nio.file.Path;

/** Builds the plain-Java core (domain, ports) and picks the store; the only place that knows adapters. */
@Factory
public class CoreFactory {

    @Singleton
    TraceAssembler traceAssembler() {
        return new TraceAssembler(WorkflowRollupCalculator.NONE);
    }

    // @Context: opened at start-up, so a bad database fails `tta-obs start` at once, not the first request
    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "sqlite", defaultValue = "sqlite")
    TraceStore sqliteStore(TtaObsConfig config, TraceAssembler assembler) {
        Path file = config.dataDir().resolve("tta-obs.sqlite");
        return SqliteTraceStore.open(file, assembler);
    }

    @Context
    @Bean(preDestroy = "close")
    GroupCommitIngest groupCommitIngest(TraceStore store, TtaObsConfig config) {
        return new GroupCommitIngest(store, config.maxQueuedSpans(), config.maxSpansPerCommit(), batches -> {
        });
    }

    @Singleton
    QueryTraces queryTraces(TraceStore store) {
        return new TraceQueryService(store, store, java.time.Clock.systemUTC());
    }

    @Singleton
    ServiceInfo serviceInfo(TraceStore store) {
        return new ServiceInfo(Version.current(), store.describe());
    }
}
