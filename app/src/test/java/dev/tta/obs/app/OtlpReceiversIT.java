package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OTLP receivers with real clients: the OpenTelemetry Java SDK over gRPC and http/protobuf
 * for traces, metrics and logs, plus hand-made requests for what SDKs never send but the spec
 * allows (JSON quirks, gzip, partial success, retries, a full queue, browsers).
 */
class OtlpReceiversIT {
    @TempDir
    Path dataDir;
    RunningService service;
    int grpcPort;
    final HttpClient http = HttpClient.newHttpClient();

    RunningService start(String... extraArgs) {
        grpcPort = RunningService.freePort();
        List<String> args = new ArrayList<>(List.of("--otlp-grpc-port=" + grpcPort));
        args.addAll(List.of(extraArgs));
        service = new RunningService(dataDir, args.toArray(String[]::new));
        return service;
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static Resource resource(String serviceName) {
        return Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)));
    }

    private String exportOneTrace(SpanExporter exporter, String serviceName) {
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource(serviceName))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        Tracer tracer = provider.get("otlp-it");
        Span root = tracer.spanBuilder("agent.run").startSpan();
        String traceId = root.getSpanContext().getTraceId();
        try (Scope ignored = root.makeCurrent()) {
            tracer.spanBuilder("llm.call").setAttribute("gen_ai.request.model", "gpt-4o").startSpan().end();
        }
        root.end();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("export acknowledged").isTrue();
        provider.shutdown().join(10, TimeUnit.SECONDS);
        return traceId;
    }

    @Test
    void javaSdkTracesOverGrpc_areReadableAsSoonAsAcknowledged() throws Exception {
        start();
        String traceId = exportOneTrace(OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + grpcPort).build(), "grpc-agent");
        JsonNode trace = service.getJson("/api/traces/" + traceId);
        assertThat(trace.get("summary").get("spanCount").asInt()).isEqualTo(2);
        assertThat(trace.get("summary").get("serviceName").asText()).isEqualTo("grpc-agent");
        assertThat(trace.get("spans").get(1).get("attributes").get("gen_ai.request.model").get("value").asText())
                .isEqualTo("gpt-4o");
    }

    @Test
    void javaSdkTracesOverHttpProtobuf_withGzip_areReadableAsSoonAsAcknowledged() throws Exception {
        start();
        String traceId = exportOneTrace(OtlpHttpSpanExporter.builder()
                .setEndpoint(service.url("/v1/traces")).setCompression("gzip").build(), "http-agent");
        JsonNode trace = service.getJson("/api/traces/" + traceId);
        assertThat(trace.get("summary").get("spanCount").asInt()).isEqualTo(2);
        assertThat(trace.get("summary").get("rootName").asText()).isEqualTo("agent.run");
    }

    private void exportMetrics(MetricExporter exporter, String model) {
        SdkMeterProvider meters = SdkMeterProvider.builder().setResource(resource("metrics-agent"))
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .build();
        LongCounter tokens = meters.get("otlp-it").counterBuilder("llm.tokens.total").setUnit("{token}").build();
        tokens.add(120, Attributes.of(AttributeKey.stringKey("llm.model_name"), model));
        tokens.add(30, Attributes.of(AttributeKey.stringKey("llm.model_name"), "other"));
        meters.get("otlp-it").histogramBuilder("primitive.execution.duration").setUnit("ms").build().record(42.5);
        assertThat(meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("export acknowledged").isTrue();
        meters.shutdown().join(10, TimeUnit.SECONDS);
    }

    @Test
    void javaSdkMetricsOverGrpcAndHttp_areStoredAsSeriesWithPoints() throws Exception {
        start();
        exportMetrics(OtlpGrpcMetricExporter.builder().setEndpoint("http://127.0.0.1:" + grpcPort).build(), "gpt-4o");
        exportMetrics(OtlpHttpMetricExporter.builder().setEndpoint(service.url("/v1/metrics")).build(), "claude");

        assertThat(service.getJson("/api/metrics/names").get("names")).extracting(JsonNode::asText)
                .contains("llm.tokens.total", "primitive.execution.duration");
        JsonNode gpt = service.getJson("/api/metrics?name=llm.tokens.total&attr=llm.model_name=gpt-4o");
        assertThat(gpt.get("series")).hasSize(1);
        JsonNode series = gpt.get("series").get(0);
        assertThat(series.get("type").asText()).isEqualTo("SUM");
        assertThat(series.get("unit").asText()).isEqualTo("{token}");
        assertThat(series.get("serviceName").asText()).isEqualTo("metrics-agent");
        assertThat(series.get("points").get(0).get("value").asDouble()).isEqualTo(120.0);
        assertThat(service.getJson("/api/metrics?name=llm.tokens.total&attr=llm.model_name=claude").get("series"))
                .hasSize(1);
        assertThat(service.getJson("/api/metrics?name=llm.tokens.total").get("series")).hasSize(3);
        JsonNode histogram = service.getJson("/api/metrics?name=primitive.execution.duration").get("series").get(0);
        assertThat(histogram.get("type").asText()).isEqualTo("HISTOGRAM");
        assertThat(histogram.get("points").get(0).get("count").asLong()).isEqualTo(1);
        assertThat(histogram.get("points").get(0).get("value").asDouble()).isEqualTo(42.5);
    }

    @Test
    void javaSdkLogsOverGrpcAndHttp_areReadableByTheirTrace() throws Exception {
        start();
        SdkLoggerProvider logs = SdkLoggerProvider.builder().setResource(resource("log-agent"))
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpGrpcLogRecordExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + grpcPort).build()))
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(service.url("/v1/logs")).build()))
                .build();
        SdkTracerProvider traces = SdkTracerProvider.builder().setResource(resource("log-agent"))
                .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                        .setEndpoint(service.url("/v1/traces")).build())).build();
        Span span = traces.get("otlp-it").spanBuilder("tool.call").startSpan();
        String traceId = span.getSpanContext().getTraceId();
        String spanId = span.getSpanContext().getSpanId();
        Logger logger = logs.get("otlp-it");
        try (Scope ignored = span.makeCurrent()) {
            logger.logRecordBuilder().setSeverity(Severity.WARN).setSeverityText("WARN").setBody("retrying tool")
                    .setAttribute(AttributeKey.longKey("retry.attempt"), 2L).emit();
        }
        span.end();
        traces.shutdown().join(10, TimeUnit.SECONDS);
        assertThat(traceId).isNotEqualTo("0".repeat(32));
        assertThat(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("exports acknowledged").isTrue();
        logs.shutdown().join(10, TimeUnit.SECONDS);

        JsonNode read = service.getJson("/api/traces/" + traceId + "/logs");
        // the same record through both transports is one record: exporters retry, and both carried identical data
        assertThat(read.get("logs")).hasSize(1);
        JsonNode log = read.get("logs").get(0);
        assertThat(log.get("spanId").asText()).isEqualTo(spanId);
        assertThat(log.get("severityNumber").asInt()).isEqualTo(13);
        assertThat(log.get("severityText").asText()).isEqualTo("WARN");
        assertThat(log.get("body").get("value").asText()).isEqualTo("retrying tool");
        assertThat(log.get("attributes").get("retry.attempt").get("value").asLong()).isEqualTo(2);
        assertThat(log.get("serviceName").asText()).isEqualTo("log-agent");
    }

    // ---- hand-made requests for what the SDKs above do not exercise

    static final String TRACE = "5b8efff798038103d269b633813fc60c";

    private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url(path)))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void otlpJson_withHexIds_snakeCase_intEnums_int64AsStringsOrNumbers_unknownFields_andGzip() throws Exception {
        start();
        String json = """
                {"resource_spans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "json-svc"}}]},
                  "scopeSpans": [{"scope": {"name": "s"}, "spans": [
                    {"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "eee19b7ec3c1b174", "name": "root",
                     "kind": 2, "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": 1700000001000000000,
                     "attributes": [{"key": "n", "value": {"intValue": "9007199254740993"}}],
                     "status": {"code": 2, "message": "boom"}, "someFutureField": {"x": 1}},
                    {"trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b175",
                     "parent_span_id": "eee19b7ec3c1b174", "name": "child", "start_time_unix_nano": 1700000000100000000,
                     "end_time_unix_nano": "1700000000200000000",
                     "links": [{"traceId": "00000000000000000000000000000001", "spanId": "0000000000000002"}]}
                  ]}]}]}
                """;
        HttpResponse<byte[]> r = post("/v1/traces", "application/json", gzip(json.getBytes(StandardCharsets.UTF_8)),
                "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");

        JsonNode trace = service.getJson("/api/traces/" + TRACE);
        assertThat(trace.get("summary").get("spanCount").asInt()).isEqualTo(2);
        assertThat(trace.get("summary").get("errorCount").asInt()).isEqualTo(1);
        JsonNode root = trace.get("spans").get(0);
        assertThat(root.get("spanId").asText()).isEqualTo("eee19b7ec3c1b174");
        assertThat(root.get("kind").asText()).isEqualTo("SERVER");
        assertThat(root.get("startTimeUnixNano").asLong()).isEqualTo(1700000000000000000L);
        assertThat(root.get("attributes").get("n").get("value").asText()).isEqualTo("9007199254740993");
        JsonNode child = trace.get("spans").get(1);
        assertThat(child.get("parentSpanId").asText()).isEqualTo("eee19b7ec3c1b174");
        assertThat(child.get("links").get(0).get("spanId").asText()).isEqualTo("0000000000000002");
    }

    private static io.opentelemetry.proto.trace.v1.Span span(String traceHex, String spanHex, String parentHex, String name) {
        var b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceHex)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanHex)))
                .setName(name).setStartTimeUnixNano(1_000).setEndTimeUnixNano(2_000);
        if (parentHex != null) {
            b.setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex(parentHex)));
        }
        return b.build();
    }

    static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(KeyValue.newBuilder()
                        .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue("hand-made"))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
    }

    @Test
    void spanWithWrongLengthId_isRejectedAlone_withPartialSuccess_andTheRestIsStored() throws Exception {
        start();
        var good = span(TRACE, "00000000000000a1", null, "good");
        var bad = good.toBuilder().setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3})).setName("bad").build();
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", request(good, bad).toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("span 'bad'").contains("8 bytes");
        assertThat(service.getJson("/api/traces/" + TRACE).get("summary").get("spanCount").asInt()).isEqualTo(1);
    }

    @Test
    void resentAndChildFirstRequests_giveTheSameTraceAsOneOrderedRequest() throws Exception {
        start();
        var root = span(TRACE, "00000000000000a1", null, "root");
        var child = span(TRACE, "00000000000000a2", "00000000000000a1", "child");
        byte[] childOnly = request(child).toByteArray();
        assertThat(post("/v1/traces", "application/x-protobuf", childOnly).statusCode()).isEqualTo(200);
        assertThat(post("/v1/traces", "application/x-protobuf", childOnly).statusCode()).isEqualTo(200);
        assertThat(post("/v1/traces", "application/x-protobuf", request(root, child).toByteArray()).statusCode())
                .isEqualTo(200);
        JsonNode summary = service.getJson("/api/traces/" + TRACE).get("summary");
        assertThat(summary.get("spanCount").asInt()).isEqualTo(2);
        assertThat(summary.get("rootName").asText()).isEqualTo("root");
        assertThat(summary.get("rootFound").asBoolean()).isTrue();
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(1);
    }

    @Test
    void fullQueue_isAnswered429WithRetryAfter_andNothingIsLost() throws Exception {
        // a one-span queue: concurrent exports must overflow it while the writer commits
        System.setProperty("tta.ingest.max-queued-spans", "1");
        try {
            service = start();
        } finally {
            System.clearProperty("tta.ingest.max-queued-spans");
        }
        List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String spanId = String.format("%016x", i + 1);
            byte[] body = request(span(String.format("%032x", i + 1), spanId, null, "s" + i)).toByteArray();
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(service.url("/v1/traces")))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        int ok = 0;
        int throttled = 0;
        for (var f : sent) {
            HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                throttled++;
            }
        }
        assertThat(throttled).as("some exports were throttled").isPositive();
        // every acknowledged span, and only those, is stored
        assertThat(service.getJson("/api/traces?limit=1000").get("traces")).hasSize(ok);
    }

    @Test
    void cors_onlyForTheGivenOrigin_onPreflightAndPost() throws Exception {
        start("--cors-origin=http://localhost:5173");
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(service.url("/v1/traces")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isIn(200, 204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:5173");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type");

        HttpResponse<byte[]> post = post("/v1/traces", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                "Origin", "http://localhost:5173");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:5173");

        HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(URI.create(service.url("/v1/traces")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<byte[]> strangerPost = post("/v1/traces", "application/json",
                request(span(TRACE, "00000000000000a1", null, "x")).toByteArray(), "Origin", "http://evil.example");
        assertThat(strangerPost.statusCode()).isEqualTo(403);
        assertThat(strangerPost.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void withoutCorsOrigin_browsersAreRefused() throws Exception {
        start();
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(service.url("/v1/traces")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.body()).contains("--cors-origin");
    }

    @Test
    void takenGrpcPort_isReportedAndEverythingElseKeepsServing() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            service = new RunningService(dataDir, "--otlp-grpc-port=" + taken.getLocalPort());
            assertThat(service.getJson("/api/health").get("status").asText()).isEqualTo("ok");
            String traceId = exportOneTrace(OtlpHttpSpanExporter.builder()
                    .setEndpoint(service.url("/v1/traces")).build(), "still-serving");
            assertThat(service.getJson("/api/traces/" + traceId).get("summary").get("spanCount").asInt()).isEqualTo(2);
        }
    }
}
