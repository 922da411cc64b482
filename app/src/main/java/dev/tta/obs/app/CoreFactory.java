package dev.tta.obs.app;

import dev.tta.obs.adapters.postgres.PostgresTraceStore;
import dev.tta.obs.adapters.sqlite.SqliteTelemetryStore;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.adapters.web.ServiceInfo;
import dev.tta.obs.adapters.web.ServiceSettings;
import dev.tta.obs.adapters.web.AccessKeys;
import dev.tta.obs.adapters.web.LocalhostGuard;
import dev.tta.obs.adapters.web.WebSecurity;
import dev.tta.obs.adapters.mcp.McpController;
import dev.tta.obs.adapters.web.WriteHealth;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.query.Budget;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import dev.tta.obs.adapters.jaeger.JaegerFormat;
import dev.tta.obs.adapters.otlp.OtlpJsonFormat;
import dev.tta.obs.adapters.otlp.OtlpReceiverSettings;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.ports.service.TraceTransferService;
import dev.tta.obs.ports.in.QueryBudget;
import dev.tta.obs.ports.in.QueryWorkflowStats;
import dev.tta.obs.ports.out.TraceChanges;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.out.TelemetryStore;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.ports.service.GroupCommitIngest;
import dev.tta.obs.ports.service.RegressionMarker;
import dev.tta.obs.ports.service.SerialTelemetryIngest;
import dev.tta.obs.ports.service.SharedLiveFeed;
import dev.tta.obs.ports.service.TelemetryQueryService;
import dev.tta.obs.ports.service.BudgetService;
import dev.tta.obs.ports.service.LiveTraceFeed;
import dev.tta.obs.ports.service.RetentionService;
import dev.tta.obs.ports.service.TraceQueryService;
import dev.tta.obs.ports.service.WorkflowStatsService;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Path;
import dev.tta.obs.ports.in.QuerySessions;
import dev.tta.obs.ports.in.RateTraces;
import dev.tta.obs.ports.service.FeedbackService;
import dev.tta.obs.ports.service.SessionQueryService;

import java.util.List;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    // before either store opens a file of the directory; released when the context closes (and by
    // the OS when the process dies); PostgreSQL nodes share their database by design and keep no file
    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "sqlite", defaultValue = "sqlite")
    DataDirectoryLock dataDirectoryLock(TtaObsConfig config,
                                        @Property(name = "micronaut.server.netty.listeners.main.port", defaultValue = "8765") int port)
            throws IOException {
        return DataDirectoryLock.acquire(config.dataDir(), port);
    }

    // @Context: opened at start-up, so a bad database fails `tta-obs start` at once, not the first request
    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "sqlite", defaultValue = "sqlite")
    TraceStore<?> sqliteStore(TtaObsConfig config, TraceAssembler assembler, DataDirectoryLock locked) {
        StartupProfile.mark("micronaut context");
        Path file = config.dataDir().resolve("tta-obs.sqlite");
        StoreWarmup.await();
        CacheDirectory.loadSqliteLibrary();
        StartupProfile.mark("sqlite native library and schema");
        TraceStore<?> store = SqliteTraceStore.open(file, assembler);
        StartupProfile.mark("sqlite store");
        return store;
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "postgres")
    TraceStore<?> postgresStore(@Property(name = "tta.db.url") String url,
                             @Nullable @Property(name = "tta.db.user") String user,
                             @Nullable @Property(name = "tta.db.password") String password,
                             TraceAssembler assembler) {
        return PostgresTraceStore.open(url, Optional.ofNullable(user), Optional.ofNullable(password), assembler);
    }

    @Singleton
    WallClock wallClock() {
        return WallClock.system();
    }

    // the ingest use case, between the receivers' decoding and the store
    @Singleton
    TraceIngest<?> traceIngest(TraceStore<?> store, TraceAssembler assembler, WallClock clock) {
        return TraceIngest.of(store, assembler, clock);
    }

    @Context
    @Bean(preDestroy = "close")
    GroupCommitIngest groupCommitIngest(TraceIngest<?> ingest, TtaObsConfig config, LiveTraceFeed liveFeed,
                                        RegressionMarker regressions, TraceStore<?> store) {
        // a store shared with other nodes feeds the live feed with every node's commits (sharedLiveFeed);
        // fed here too, this node's own would be sent twice
        return new GroupCommitIngest(ingest, config.maxQueuedSpans(), config.maxSpansPerCommit(),
                store instanceof TraceChanges ? regressions : liveFeed.andThen(regressions),
                liveFeed::evaluationsArrived);
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "postgres")
    SharedLiveFeed sharedLiveFeed(TraceStore<?> store, LiveTraceFeed liveFeed) {
        return new SharedLiveFeed((TraceChanges) store, store, liveFeed);
    }

    @Singleton
    @Bean(preDestroy = "close")
    RegressionMarker regressionMarker(TraceQueryService query, TraceStore<?> store,
                                      @Property(name = "tta.regressions.settle-ms", defaultValue = "1000") long settleMs,
                                      @Property(name = "tta.regressions.max-pending", defaultValue = "2000") int maxPending) {
        return new RegressionMarker(query, store, settleMs, maxPending);
    }

    // one service answers both the query and the delete use cases
    @Singleton
    TraceQueryService queryTraces(TraceStore<?> store, PriceTable prices) {
        return new TraceQueryService(store, store, Clock.systemUTC(), prices);
    }

    // feedback given through the API reaches the dashboards watching the live feed
    @Singleton
    RateTraces rateTraces(TraceStore<?> store, WallClock clock, LiveTraceFeed liveFeed) {
        return new FeedbackService(store, clock, liveFeed::feedbackChanged);
    }

    // the HTTP guard knows the request's key; an MCP tool that writes asks it, per call
    @Singleton
    McpController.WriteAccess mcpWriteAccess(LocalhostGuard guard) {
        return guard::changeRefusal;
    }

    @Singleton
    QuerySessions querySessions(TraceStore<?> store, PriceTable prices) {
        return new SessionQueryService(store, store, store, prices);
    }

    @Singleton
    TransferTraces transferTraces(TraceStore<?> store, TraceIngest<?> ingest) {
        return new TraceTransferService(store, ingest, List.of(new JaegerFormat(), new OtlpJsonFormat()),
                Optional.of(store));
    }

    @Singleton
    QueryWorkflowStats workflowStats(TraceStore<?> store, PriceTable prices) {
        return new WorkflowStatsService(store, prices);
    }

    @Singleton
    @Bean(preDestroy = "close")
    LiveTraceFeed liveFeed(TraceQueryService query, QueryBudget budget, TraceStore<?> store,
                           @Property(name = "tta.live.window-ms", defaultValue = "100") long windowMs,
                           @Property(name = "tta.live.client-queue", defaultValue = "512") int clientQueue) {
        // feedback read on the feed's thread, for evaluation results that arrive over OTLP
        return new LiveTraceFeed(query, budget, store::feedback, windowMs, clientQueue);
    }

    // --budget-daily-usd and --budget-run-usd; unset, the service answers no budget
    @Singleton
    QueryBudget budget(TraceStore<?> store,
                       @Nullable @Property(name = "tta.budget.daily-usd") Double dailyUsd,
                       @Nullable @Property(name = "tta.budget.run-usd") Double runUsd) {
        return new BudgetService(store, new Budget(Optional.ofNullable(dailyUsd), Optional.ofNullable(runUsd)),
                Clock.systemUTC());
    }

    @Singleton
    WebSecurity webSecurity(@Property(name = "tta.web.host", defaultValue = "127.0.0.1") String host,
                            @Nullable @Property(name = "tta.web.auth-token") String authToken,
                            @Nullable @Property(name = "tta.web.ingest-tokens") String ingestTokens,
                            @Nullable @Property(name = "tta.web.viewer-tokens") String viewerTokens,
                            @Property(name = "tta.web.allowed-hosts", defaultValue = "") List<String> extraHosts,
                            @Property(name = "tta.web.allowed-origins", defaultValue = "") List<String> origins,
                            OtlpReceiverSettings otlp) {
        Set<String> hosts = new LinkedHashSet<>(WebSecurity.LOOPBACK_NAMES);
        hosts.addAll(BindAddress.namesOf(host));
        extraHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).forEach(hosts::add);
        Set<String> allowedOrigins = new LinkedHashSet<>();
        origins.stream().map(String::trim).filter(o -> !o.isEmpty()).forEach(allowedOrigins::add);
        AccessKeys keys = new AccessKeys(Optional.ofNullable(authToken), lines(ingestTokens), lines(viewerTokens));
        return new WebSecurity(hosts, keys, allowedOrigins, otlp::allowsOrigin);
    }

    /** Keys travel one a line: a key may hold a comma, which a list property would split on. */
    private static List<String> lines(@Nullable String keys) {
        return keys == null ? List.of() : keys.lines().toList();
    }

    @Singleton
    ServiceSettings serviceSettings(@Property(name = "micronaut.server.netty.listeners.main.port", defaultValue = "8765") int port,
                                    @Property(name = "micronaut.server.netty.listeners.otlp.port", defaultValue = "0") int otlpPort,
                                    WebSecurity security, PriceTable prices, RetentionService retention) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("http", port);
        if (otlpPort != 0) {
            ports.put("otlpHttp", otlpPort);
        }
        return new ServiceSettings(ports, retention.maxTraces(), retention.maxAge().map(TimeArguments::format),
                retention::evictedTraces, prices.asOf().map(Object::toString), security.authToken().isPresent());
    }

    // @Context: the first pass runs soon after start-up, whether or not anyone reads the API
    @Context
    @Bean(preDestroy = "close")
    RetentionService retention(TraceStore<?> store, TtaObsConfig config) {
        return new RetentionService(store, config.maxTraces(), config.retention(), Clock.systemUTC(),
                config.retentionEvery());
    }

    @Singleton
    WriteHealth writeHealth(TraceStore<?> store, TelemetryStore telemetry) {
        return () -> store.writeFailure().or(telemetry::writeFailure);
    }

    @Singleton
    ServiceInfo serviceInfo(TraceStore<?> store) {
        return new ServiceInfo(Version.current(), store.describe());
    }

    // metrics and logs sit in the traces' database. Opening the SQLite one runs the migrations that
    // create their tables, so not while the warm-up thread runs them: both migrating a new file at
    // once fails one of them (SQLITE_BUSY_SNAPSHOT)
    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "sqlite", defaultValue = "sqlite")
    TelemetryStore sqliteTelemetryStore(TtaObsConfig config, DataDirectoryLock locked) {
        StoreWarmup.await();
        return SqliteTelemetryStore.open(config.dataDir().resolve("tta-obs.sqlite"));
    }

    // in PostgreSQL too, so a team server writes nothing to the machine it runs on
    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "tta.storage", value = "postgres")
    TelemetryStore postgresTelemetryStore(TraceStore<?> store) {
        return ((PostgresTraceStore) store).telemetry();
    }

    @Singleton
    TelemetryQueryService telemetryQueries(TelemetryStore store) {
        return new TelemetryQueryService(store);
    }

    @Context
    @Bean(preDestroy = "close")
    SerialTelemetryIngest telemetryIngest(TelemetryStore store, TtaObsConfig config, TraceStore<?> traces,
                                          WallClock clock, LiveTraceFeed liveFeed) {
        // evaluation results sent as log records become feedback in the trace store, and live messages
        return new SerialTelemetryIngest(store, config.maxQueuedSpans(), Optional.of(traces), clock,
                liveFeed::evaluationsArrived);
    }
}
