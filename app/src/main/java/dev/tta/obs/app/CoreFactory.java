package dev.tta.obs.app;

import dev.tta.obs.adapters.sqlite.SqliteTelemetryStore;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.adapters.web.ServiceInfo;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.adapters.jaeger.JaegerFormat;
import dev.tta.obs.adapters.otlp.OtlpJsonFormat;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.ports.service.TraceTransferService;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.out.TelemetryStore;
import dev.tta.obs.ports.service.GroupCommitIngest;
import dev.tta.obs.ports.service.SerialTelemetryIngest;
import dev.tta.obs.ports.service.TraceQueryService;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds the plain-Java core (domain, ports) and picks the store; the only place that knows adapters. */
@Factory
public class CoreFactory {

    @Singleton
    PriceTable priceTable(TtaObsConfig config) throws IOException {
        return PriceTable.bundledWithOverrides(config.pricesFile());
    }

    @Singleton
    TraceAssembler traceAssembler(PriceTable prices) {
        return new TraceAssembler(new WorkflowRollups(prices));
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
    QueryTraces queryTraces(TraceStore store, PriceTable prices) {
        return new TraceQueryService(store, prices);
    }

    @Singleton
    TransferTraces transferTraces(TraceStore store) {
        return new TraceTransferService(store, store, List.of(new JaegerFormat(), new OtlpJsonFormat()));
    }

    @Singleton
    ServiceInfo serviceInfo(TraceStore store) {
        return new ServiceInfo(Version.current(), store.describe());
    }

    // needs the trace store first: opening it runs the migrations that create the metric and log tables
    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "sqlite", defaultValue = "sqlite")
    TelemetryStore sqliteTelemetryStore(TtaObsConfig config, TraceStore migrated) {
        return SqliteTelemetryStore.open(config.dataDir().resolve("tta-obs.sqlite"));
    }

    @Context
    @Bean(preDestroy = "close")
    SerialTelemetryIngest telemetryIngest(TelemetryStore store, TtaObsConfig config) {
        return new SerialTelemetryIngest(store, config.maxQueuedSpans());
    }
}
