package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.tta.obs.app.OtlpRequests.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Keys with roles, with real clients: the --auth-token opens everything, an ingest key sends OTLP
 * (HTTP on both ports, gRPC) and nothing else, a viewer key reads (REST, live feed, MCP, the
 * dashboard) and changes nothing. No key or an unknown one is a 401, a known key used beyond its
 * role a 403 that says what the key may do.
 */
class KeyRolesIT {
    private static final String ADMIN = "admin-key";
    private static final String APP = "app-key";
    private static final String ALICE = "alice-key";
    private static final String BOB = "bob key, with a comma";

    @TempDir
    static Path dataDir;
    static RunningService service;
    static int otlpPort;
    static int grpcPort;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        otlpPort = RunningService.freePort();
        grpcPort = RunningService.freePort();
        Path viewers = Files.writeString(dataDir.resolve("viewers.txt"), "# the team\n" + ALICE + "\n\n" + BOB + "\n");
        service = new RunningService(dataDir.resolve("data"), "--auth-token=" + ADMIN, "--ingest-token=" + APP,
                "--viewer-token-file=" + viewers, "--otlp-http-port=" + otlpPort, "--otlp-grpc-port=" + grpcPort);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** One span through the OTel Java SDK's exporter; whether the export was acknowledged. */
    private static boolean export(SpanExporter exporter, String spanName) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.builder().put("service.name", "key-roles").build()))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        provider.get("t").spanBuilder(spanName).startSpan().end();
        CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
        provider.shutdown().join(10, TimeUnit.SECONDS);
        return flushed.isSuccess();
    }

    private static boolean exportHttp(int port, String key, String spanName) {
        var b = OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
                .setTimeout(5, TimeUnit.SECONDS);
        if (key != null) {
            b.addHeader("Authorization", "Bearer " + key);
        }
        return export(b.build(), spanName);
    }

    private static boolean exportGrpc(String key, String spanName) {
        var b = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + grpcPort).setTimeout(5, TimeUnit.SECONDS);
        if (key != null) {
            b.addHeader("authorization", "Bearer " + key);
        }
        return export(b.build(), spanName);
    }

    private static HttpResponse<String> rest(String method, String path, String key) throws Exception {
        HttpRequest.Builder r = service.request(path).method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(HttpResponse<String> r) throws Exception {
        return RunningService.JSON.readTree(r.body()).get("detail").asText();
    }

    /** The status of a WebSocket handshake to the live feed with this key: 101 when it opened. */
    private static int liveFeed(String key) throws Exception {
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + service.port + "/api/live"),
                    new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void ingestKey_sendsOverHttpOnBothPortsAndGrpc_butReadsNothing() throws Exception {
        assertThat(exportHttp(service.port, APP, "app-main-port")).isTrue();
        assertThat(exportHttp(otlpPort, APP, "app-otlp-port")).isTrue();
        assertThat(exportGrpc(APP, "app-grpc")).isTrue();
        assertThat(rest("GET", "/api/traces", ADMIN).body())
                .contains("app-main-port").contains("app-otlp-port").contains("app-grpc");

        HttpResponse<String> read = rest("GET", "/api/traces", APP);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(detail(read)).isEqualTo("an ingest key (--ingest-token) can only send OTLP to /v1/traces, "
                + "/v1/metrics and /v1/logs; reading needs a viewer key or the --auth-token");
        assertThat(rest("DELETE", "/api/traces", APP).statusCode()).isEqualTo(403);
        assertThat(liveFeed(APP)).isEqualTo(403);
        assertThat(rest("POST", "/mcp", APP).statusCode()).isEqualTo(403);
    }

    @Test
    void viewerKey_readsRestLiveFeedAndMcp_butCannotSendDeleteOrImport() throws Exception {
        assertThat(exportHttp(service.port, ADMIN, "for-the-viewer")).isTrue();
        for (String viewer : List.of(ALICE, BOB)) {
            HttpResponse<String> list = rest("GET", "/api/traces", viewer);
            assertThat(list.statusCode()).as(viewer).isEqualTo(200);
            assertThat(list.body()).contains("for-the-viewer");
        }
        assertThat(liveFeed(ALICE)).isEqualTo(101);

        assertThat(exportHttp(service.port, ALICE, "viewer-http")).isFalse();
        assertThat(exportHttp(otlpPort, ALICE, "viewer-otlp-port")).isFalse();
        assertThat(exportGrpc(ALICE, "viewer-grpc")).isFalse();
        HttpResponse<byte[]> sent = HTTP.send(service.request("/v1/traces").header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(service("viewer").span(9, 0, -1, "raw", 0, 10, false).bytes()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(sent.statusCode()).isEqualTo(403);

        HttpResponse<String> delete = rest("DELETE", "/api/traces", ALICE);
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(detail(delete)).isEqualTo("a viewer key (--viewer-token) can only read; DELETE /api/traces "
                + "changes data and needs the --auth-token");
        HttpResponse<String> imported = HTTP.send(service.request("/api/import").header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).isEqualTo(403);
        // nothing the viewer tried reached the store
        assertThat(rest("GET", "/api/traces", ADMIN).body()).contains("for-the-viewer")
                .doesNotContain("viewer-http").doesNotContain("viewer-otlp-port").doesNotContain("viewer-grpc")
                .doesNotContain("\"raw\"");
    }

    @Test
    void grpc_tellsAViewerKeyFromNoKey() {
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            io.grpc.StatusRuntimeException none = catchThrowableOfType(() -> TraceServiceGrpc.newBlockingStub(channel)
                    .export(ExportTraceServiceRequest.getDefaultInstance()), io.grpc.StatusRuntimeException.class);
            assertThat(none.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            io.grpc.Metadata viewer = new io.grpc.Metadata();
            viewer.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ALICE);
            io.grpc.StatusRuntimeException refused = catchThrowableOfType(() -> TraceServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(viewer))
                    .export(ExportTraceServiceRequest.getDefaultInstance()), io.grpc.StatusRuntimeException.class);
            assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
            assertThat(refused.getStatus().getDescription()).isEqualTo("a viewer key (--viewer-token) can read, "
                    + "not send telemetry; applications need an ingest key or the --auth-token");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void noKeyOrAnUnknownOne_is401_everywhere() throws Exception {
        assertThat(exportHttp(service.port, null, "anonymous")).isFalse();
        assertThat(exportHttp(otlpPort, "guess", "guessed")).isFalse();
        assertThat(exportGrpc(null, "anonymous-grpc")).isFalse();
        assertThat(rest("GET", "/api/traces", null).statusCode()).isEqualTo(401);
        assertThat(rest("GET", "/api/traces", "guess").statusCode()).isEqualTo(401);
        assertThat(liveFeed(null)).isEqualTo(401);
        assertThat(liveFeed("guess")).isEqualTo(401);
        assertThat(rest("GET", "/api/traces", ADMIN).body()).doesNotContain("anonymous").doesNotContain("guessed");
    }

    @Test
    void mcp_viewerKeyUsesTheTools_ingestKeyIsRefused() throws Exception {
        McpJsClientIT.requireNodeModules();
        ArrayNode plan = RunningService.JSON.createArrayNode();
        plan.addObject().put("name", "list_traces").putObject("arguments");
        JsonNode viewer = McpJsClientIT.runNode(List.of("http", service.url("/mcp"), ALICE), plan);
        assertThat(viewer.has("error")).as(viewer.toString()).isFalse();
        assertThat(viewer.get("results").get(0).get("pages").get(0).get("text").asText()).contains(" on this page (");
        JsonNode ingest = McpJsClientIT.runNode(List.of("http", service.url("/mcp"), APP), plan);
        assertThat(ingest.get("error").asText()).contains("403");
    }

    @Test
    void mcp_viewerKeyReadsFeedback_butOnlyTheFullKeyAddsIt() throws Exception {
        McpJsClientIT.requireNodeModules();
        assertThat(exportHttp(service.port, ADMIN, "judged")).isTrue();
        String trace = null;
        for (JsonNode t : RunningService.JSON.readTree(rest("GET", "/api/traces?limit=200", ADMIN).body()).get("traces")) {
            if (t.get("rootName").asText().equals("judged")) {
                trace = t.get("traceId").asText();
            }
        }
        assertThat(trace).isNotNull();
        ArrayNode plan = RunningService.JSON.createArrayNode();
        plan.addObject().put("name", "add_feedback").putObject("arguments").put("trace_id", trace)
                .put("name", "correctness").put("label", "pass");
        plan.addObject().put("name", "get_feedback").putObject("arguments").put("trace_id", trace);

        JsonNode viewer = McpJsClientIT.runNode(List.of("http", service.url("/mcp"), ALICE), plan);
        assertThat(viewer.has("error")).as(viewer.toString()).isFalse();
        JsonNode refused = viewer.get("results").get(0).get("pages").get(0);
        assertThat(refused.get("isError").asBoolean()).isTrue();
        assertThat(refused.get("text").asText()).isEqualTo("forbidden: a viewer key (--viewer-token) can only read; "
                + "add_feedback changes data and needs the --auth-token");
        assertThat(viewer.get("results").get(1).get("pages").get(0).get("text").asText())
                .startsWith("0 feedback items on trace " + trace);

        JsonNode admin = McpJsClientIT.runNode(List.of("http", service.url("/mcp"), ADMIN), plan);
        assertThat(admin.get("results").get(0).get("pages").get(0).get("isError").asBoolean()).isFalse();
        assertThat(admin.get("results").get(1).get("pages").get(0).get("text").asText())
                .startsWith("1 feedback item on trace " + trace).contains("+ correctness label=pass (mcp, ");
        assertThat(rest("GET", "/api/traces/" + trace + "/feedback", ALICE).body()).contains("\"correctness\"");
    }

    @Test
    void dashboard_viewerKeyLogsIn_ingestKeyIsTurnedAway() throws Exception {
        HttpClient noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> viewer = noRedirects.send(service.request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + ALICE)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(viewer.statusCode()).isEqualTo(303);
        String cookie = viewer.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = cookie.substring(0, cookie.indexOf(';'));
        assertThat(HTTP.send(service.request("/api/traces").header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // the viewer's dashboard session reads but cannot delete
        HttpResponse<String> delete = HTTP.send(service.request("/api/traces").header("Cookie", cookie)
                .header("Origin", "http://127.0.0.1:" + service.port).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(403);

        HttpResponse<String> ingest = noRedirects.send(service.request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + APP)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ingest.statusCode()).isEqualTo(401);
        assertThat(ingest.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(ingest.body()).contains("That is an ingest key: it can send telemetry, not open the dashboard.");
    }
}
