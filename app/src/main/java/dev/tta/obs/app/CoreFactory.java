package dev.tta.obs.app;

import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.adapters.web.ServiceInfo;
import dev.tta.obs.adapters.web.ServiceSettings;
import dev.tta.obs.adapters.web.WebSecurity;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.ports.in.IngestSpans;
import dev.tta.obs.ports.in.QueryWorkflowStats;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.service.GroupCommitIngest;
import dev.tta.obs.ports.service.LiveTraceFeed;
import dev.tta.obs.ports.service.TraceQueryService;
import dev.tta.obs.ports.service.WorkflowStatsService;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    GroupCommitIngest groupCommitIngest(TraceStore store, TtaObsConfig config, LiveTraceFeed liveFeed) {
        return new GroupCommitIngest(store, config.maxQueuedSpans(), config.maxSpansPerCommit(), liveFeed);
    }

    // one service answers both the query and the delete use cases
    @Singleton
    TraceQueryService queryTraces(TraceStore store) {
        return new TraceQueryService(store, store, Clock.systemUTC());
    }

    @Singleton
    QueryWorkflowStats workflowStats(TraceStore store) {
        return new WorkflowStatsService(store);
    }

    @Singleton
    @Bean(preDestroy = "close")
    LiveTraceFeed liveFeed(TraceStore store, TraceQueryService query,
                           @Property(name = "tta.live.window-ms", defaultValue = "100") long windowMs,
                           @Property(name = "tta.live.client-queue", defaultValue = "512") int clientQueue) {
        return new LiveTraceFeed(store, query, windowMs, clientQueue);
    }

    @Singleton
    WebSecurity webSecurity(@Property(name = "tta.web.host", defaultValue = "127.0.0.1") String host,
                            @Nullable @Property(name = "tta.web.auth-token") String authToken,
                            @Property(name = "tta.web.allowed-hosts", defaultValue = "") List<String> extraHosts,
                            @Property(name = "tta.web.allowed-origins", defaultValue = "") List<String> origins) {
        Set<String> hosts = new LinkedHashSet<>(WebSecurity.LOOPBACK_NAMES);
        hosts.addAll(BindAddress.namesOf(host));
        extraHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).forEach(hosts::add);
        Set<String> allowedOrigins = new LinkedHashSet<>();
        origins.stream().map(String::trim).filter(o -> !o.isEmpty()).forEach(allowedOrigins::add);
        return new WebSecurity(hosts, Optional.ofNullable(authToken), allowedOrigins);
    }

    @Singleton
    ServiceSettings serviceSettings(@Property(name = "micronaut.server.netty.listeners.main.port", defaultValue = "8765") int port,
                                    @Property(name = "micronaut.server.netty.listeners.otlp.port", defaultValue = "0") int otlpPort,
                                    WebSecurity security) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("http", port);
        if (otlpPort != 0) {
            ports.put("otlpHttp", otlpPort);
        }
        return new ServiceSettings(ports, Optional.empty(), Optional.empty(), 0, Optional.empty(),
                security.authToken().isPresent());
    }

    @Singleton
    ServiceInfo serviceInfo(TraceStore store) {
        return new ServiceInfo(Version.current(), store.describe());
    }
}
