package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** `tta-obs start --storage=postgres` against a real (embedded) PostgreSQL, end to end. */
class PostgresStorageIT {
    @TempDir
    static Path pgDir;
    private static EmbeddedPostgres pg;
    private static int pgPort;
    private static final AtomicInteger schemas = new AtomicInteger();

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = server(0);
        pgPort = pg.getPort();
    }

    private static EmbeddedPostgres server(int port) throws Exception {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(pgDir.resolve("data"))
                .setCleanDataDirectory(false);
        if (port != 0) {
            b.setPort(port);
        }
        return b.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    /** An empty schema of its own per test, named in the URL. */
    private static String freshDatabaseUrl() throws Exception {
        String schema = "it_" + schemas.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return "jdbc:postgresql://localhost:" + pgPort + "/postgres?currentSchema=" + schema;
    }

    private RunningService start(String dbUrl) {
        return new RunningService(dataDir, "--storage=postgres", "--db-url=" + dbUrl, "--db-user=postgres",
                "--db-password=not-shown");
    }

    @Test
    void traceExportedByTheJavaSdk_isStoredInPostgres_andReadsBackThroughTheApi() throws Exception {
        String dbUrl = freshDatabaseUrl();
        try (RunningService service = start(dbUrl)) {
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                            AttributeKey.stringKey("service.name"), "team-agent"))))
                    .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                            .setEndpoint(service.url("/v1/traces")).build()))
                    .build();
            Tracer tracer = provider.get("tta.dev.test");
            Span root = tracer.spanBuilder("workflow.run").setAttribute("gen_ai.request.model", "gpt-4o").startSpan();
            String traceId = root.getSpanContext().getTraceId();
            try (Scope ignored = root.makeCurrent()) {
                tracer.spanBuilder("tool.call").setAttribute("tool", "search").startSpan().end();
            }
            root.end();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            provider.shutdown().join(10, TimeUnit.SECONDS);

            JsonNode trace = service.getJson("/api/traces/" + traceId);
            List<String> names = new ArrayList<>();
            trace.get("spans").forEach(s -> names.add(s.get("name").asText()));
            assertThat(names).containsExactly("workflow.run", "tool.call");
            JsonNode found = service.getJson("/api/traces?attr=tool%3Dsearch");
            assertThat(found.get("traces").get(0).get("traceId").asText()).isEqualTo(traceId);
            assertThat(service.getJson("/api/health").get("storage").asText())
                    .startsWith("postgres jdbc:postgresql://localhost:" + pgPort).doesNotContain("not-shown");
        }
        // the spans are in PostgreSQL, not in the local SQLite file: a second server on a new data dir sees them
        Path otherDir = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-other"));
        try (RunningService again = new RunningService(otherDir, "--storage=postgres", "--db-url=" + dbUrl,
                "--db-user=postgres")) {
            assertThat(again.getJson("/api/traces").get("traces")).hasSize(1);
        }
    }

    @Test
    void exportAndImport_readAndWriteTheDatabaseDirectly() throws Exception {
        String source = freshDatabaseUrl();
        try (RunningService service = start(source)) {
            service.export(OtlpRequests.service("svc").span(1, 0, -1, "exported-root", 0, 10, false)
                    .span(1, 1, 0, "exported-child", 1, 5, false).bytes());
        }
        Path file = dataDir.resolve("traces.json");
        CommandLineTest.Run export = CommandLineTest.run("export", "--storage=postgres", "--db-url=" + source,
                "--db-user=postgres", "--data-dir=" + dataDir, "-o", file.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(file)).contains(OtlpRequests.traceHex(1)).contains("exported-child");

        String target = freshDatabaseUrl();
        CommandLineTest.Run imported = CommandLineTest.run("import", "--storage=postgres", "--db-url=" + target,
                "--db-user=postgres", "--data-dir=" + dataDir, file.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        try (RunningService service = start(target)) {
            JsonNode trace = service.getJson("/api/traces/" + OtlpRequests.traceHex(1));
            assertThat(trace.get("spans")).hasSize(2);
        }
    }

    @Test
    void unreachableDatabase_isOneLineAndExitCodeOne() {
        CommandLineTest.Run r = CommandLineTest.run("start", "--port=" + RunningService.freePort(),
                "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dataDir, "--storage=postgres",
                "--db-url=jdbc:postgresql://127.0.0.1:" + RunningService.freePort() + "/tta", "--db-user=tta",
                "--db-password=s3cret");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("tta-obs: cannot open PostgreSQL database jdbc:postgresql://127.0.0.1:")
                .contains("as tta").doesNotContain("s3cret").doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("tta-obs:")).count()).isEqualTo(1);
    }

    @Test
    void databaseGoneAway_exportsGetARetryable503_andTheServiceRecoversByItself() throws Exception {
        try (RunningService service = start(freshDatabaseUrl())) {
            service.export(OtlpRequests.service("svc").span(1, 0, -1, "before", 0, 10, false).bytes());

            pg.close();
            pg = null;
            HttpResponse<byte[]> down = service.post("/v1/traces", "application/x-protobuf",
                    OtlpRequests.service("svc").span(2, 0, -1, "during", 0, 10, false).bytes());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).isPresent();

            pg = server(pgPort);
            service.export(OtlpRequests.service("svc").span(3, 0, -1, "after", 0, 10, false).bytes());
            JsonNode list = service.getJson("/api/traces");
            List<String> roots = new ArrayList<>();
            list.get("traces").forEach(t -> roots.add(t.get("rootName").asText()));
            assertThat(roots).containsExactlyInAnyOrder("before", "after");
        }
    }
}
