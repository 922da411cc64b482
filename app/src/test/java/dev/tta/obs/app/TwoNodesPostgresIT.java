package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tta-obs nodes, each a full service as `tta-obs start --storage=postgres` builds it, on one
 * embedded PostgreSQL: whatever is sent to either is read the same from both, the live feed
 * included, and neither writes a file of its own.
 */
class TwoNodesPostgresIT {
    @TempDir
    static Path pgDir;
    private static EmbeddedPostgres pg;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().setDataDirectory(pgDir.resolve("data")).start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static String freshDatabaseUrl(String schema) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?currentSchema=" + schema;
    }

    private static RunningService node(Path dir, String dbUrl) {
        return new RunningService(dir, "--storage=postgres", "--db-url=" + dbUrl, "--db-user=postgres");
    }

    private static SdkTracerProvider tracerTo(RunningService node) {
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "team-agent"))))
                // batched: one export per flush, where a span at a time would outrun the exporter's 5 calls
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(node.url("/v1/traces")).build()).build())
                .build();
    }

    private static void flush(SdkTracerProvider provider) {
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("export acknowledged").isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    /** Sends {@code count} two-span traces to the node; returns their ids. */
    private static List<String> exportTraces(RunningService node, String prefix, int count) {
        SdkTracerProvider provider = tracerTo(node);
        Tracer tracer = provider.get("tta.dev.test");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Span root = tracer.spanBuilder(prefix + "-run").startSpan();
            ids.add(root.getSpanContext().getTraceId());
            try (Scope ignored = root.makeCurrent()) {
                Span tool = tracer.spanBuilder("tool.call").setAttribute("tool", "search").startSpan();
                if (i % 4 == 0) {
                    tool.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
                }
                tool.end();
            }
            root.end();
        }
        flush(provider);
        return ids;
    }

    private static void awaitAll(Set<String> seen, List<String> expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(seen).as(what).containsAll(expected);
    }

    private static JsonNode stableStats(RunningService node, long traces) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode stats = node.getJson("/api/stats");
        while (stats.get("traceCount").asLong() != traces && System.nanoTime() < deadline) {
            Thread.sleep(50);
            stats = node.getJson("/api/stats");
        }
        return stats;
    }

    @Test
    void twoNodes_onOneDatabase_serveTheSameTracesStatsLiveEventsMetricsAndLogs() throws Exception {
        String dbUrl = freshDatabaseUrl("two_nodes");
        // started together: both run the migrations at once
        CompletableFuture<RunningService> startingA = CompletableFuture.supplyAsync(() -> node(dirA, dbUrl));
        CompletableFuture<RunningService> startingB = CompletableFuture.supplyAsync(() -> node(dirB, dbUrl));
        RunningService a = startingA.get(120, TimeUnit.SECONDS);
        RunningService b = startingB.get(120, TimeUnit.SECONDS);
        try (LiveFeedClient liveA = new LiveFeedClient(a); LiveFeedClient liveB = new LiveFeedClient(b)) {
            Thread.sleep(200);
            List<String> toA = exportTraces(a, "sent-to-a", 6);
            List<String> toB = exportTraces(b, "sent-to-b", 6);
            // one trace whose child goes to one node and whose root goes to the other
            SdkTracerProvider pa = tracerTo(a);
            SdkTracerProvider pb = tracerTo(b);
            Span root = pb.get("t").spanBuilder("split-run").startSpan();
            String split = root.getSpanContext().getTraceId();
            pa.get("t").spanBuilder("split-child").setParent(Context.current().with(root)).startSpan().end();
            flush(pa);
            root.end();
            flush(pb);
            List<String> all = new ArrayList<>(toA);
            all.addAll(toB);
            all.add(split);

            for (RunningService node : List.of(a, b)) {
                for (String id : all) {
                    assertThat(node.getJson("/api/traces/" + id).get("spans")).as("trace %s", id).isNotEmpty();
                }
                assertThat(node.getJson("/api/traces/" + split).get("spans")).hasSize(2);
                assertThat(node.getJson("/api/traces?limit=100").get("traces")).hasSize(all.size());
            }
            JsonNode statsA = stableStats(a, all.size());
            assertThat(statsA.get("traceCount").asLong()).isEqualTo(all.size());
            assertThat(stableStats(b, all.size())).isEqualTo(statsA);

            awaitAll(liveA.traceIds(), all, "live events on node A");
            awaitAll(liveB.traceIds(), all, "live events on node B");

            // metrics and logs sent to one node are read from the other
            SdkMeterProvider meters = SdkMeterProvider.builder()
                    .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                            .setEndpoint(a.url("/v1/metrics")).build()).setInterval(Duration.ofHours(1)).build())
                    .build();
            meters.get("t").counterBuilder("llm.tokens.total").build().add(120);
            assertThat(meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            meters.shutdown().join(10, TimeUnit.SECONDS);
            SdkLoggerProvider logs = SdkLoggerProvider.builder()
                    .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
                            .setEndpoint(a.url("/v1/logs")).build())).build();
            try (Scope ignored = Context.current().with(root).makeCurrent()) {
                logs.get("t").logRecordBuilder().setSeverity(Severity.INFO).setBody("user asked").emit();
            }
            assertThat(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            logs.shutdown().join(10, TimeUnit.SECONDS);
            assertThat(b.getJson("/api/metrics/names").get("names")).extracting(JsonNode::asText)
                    .contains("llm.tokens.total");
            assertThat(b.getJson("/api/traces/" + split + "/logs").get("logs")).singleElement()
                    .satisfies(l -> assertThat(l.get("body").get("value").asText()).isEqualTo("user asked"));

            // a node that restarts hears of commits again, its own and the other's
            b.close();
            List<String> whileBWasDown = exportTraces(a, "while-b-down", 2);
            b = node(dirB, dbUrl);
            try (LiveFeedClient again = new LiveFeedClient(b)) {
                Thread.sleep(200);
                List<String> later = exportTraces(a, "after-restart", 2);
                awaitAll(again.traceIds(), later, "live events on the restarted node B");
                assertThat(b.getJson("/api/traces/" + whileBWasDown.get(0)).get("spans")).hasSize(2);
                long total = all.size() + whileBWasDown.size() + later.size();
                assertThat(stableStats(b, total)).isEqualTo(stableStats(a, total));
            }
        } finally {
            a.close();
            b.close();
        }
        // nothing was written to either node's data directory: no SQLite file, no sidecar
        for (Path dir : List.of(dirA, dirB)) {
            try (Stream<Path> files = Files.walk(dir)) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("files under %s", dir).isEmpty();
            }
        }
    }
}
