package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input: each is answered with a clear error in OTLP's shape (a google.rpc.Status in the
 * request's encoding), nothing of it is stored, and the service keeps serving.
 */
class OtlpBadInputIT {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final long MAX_BODY = 4L * 1024 * 1024;
    @TempDir
    Path dataDir;
    RunningService service;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        // a small body limit keeps the bomb and the oversized bodies quick to build
        service = new RunningService(dataDir, "--otlp-max-request-bytes=" + MAX_BODY, "--otlp-max-attributes=128",
                "--otlp-max-attribute-length=4096");
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url(path)))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The error message, read as the exporter would: a google.rpc.Status (code 1, message 2). */
    private static String protobufStatusMessage(byte[] body) throws Exception {
        var in = com.google.protobuf.CodedInputStream.newInstance(body);
        String message = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag >>> 3 == 2) {
                message = in.readString();
            } else {
                in.skipField(tag);
            }
        }
        return message;
    }

    private static String jsonStatusMessage(byte[] body) throws Exception {
        JsonNode status = RunningService.JSON.readTree(body);
        assertThat(status.get("code").asInt()).isEqualTo(3);
        return status.get("message").asText();
    }

    private void assertNothingStoredAndStillServing() throws Exception {
        assertThat(service.getJson("/api/traces").get("traces")).isEmpty();
        assertThat(service.getJson("/api/health").get("status").asText()).isEqualTo("ok");
        Span good = span().build();
        assertThat(post("/v1/traces", "application/x-protobuf", request(good).toByteArray()).statusCode())
                .as("a good export afterwards").isEqualTo(200);
    }

    private static Span.Builder span() {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("00f067aa0ba902b7")))
                .setName("s").setStartTimeUnixNano(1).setEndTimeUnixNano(2);
    }

    private static ExportTraceServiceRequest request(Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(Arrays.asList(spans)))).build();
    }

    @Test
    void truncatedProtobuf_is400() throws Exception {
        byte[] whole = request(span().build()).toByteArray();
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", Arrays.copyOf(whole, whole.length - 5));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        assertThat(protobufStatusMessage(r.body())).contains("not a valid OTLP ExportTraceServiceRequest");
        assertNothingStoredAndStillServing();
    }

    @Test
    void undecodableGrpcRequest_isInvalidArgument_andStoresNothing() throws Exception {
        service.close();
        int grpcPort = RunningService.freePort();
        service = new RunningService(dataDir, "--otlp-grpc-port=" + grpcPort);
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext().build();
        try {
            // the bytes an exporter would send, cut short: grpc-java itself would answer UNKNOWN
            byte[] whole = request(span().build()).toByteArray();
            io.grpc.StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> dev.tta.obs.bench.RawOtlpGrpc.export(channel, Arrays.copyOf(whole, whole.length - 5)),
                    io.grpc.StatusRuntimeException.class);
            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("not a valid OTLP protobuf message")
                    .contains("nothing was stored");

            assertThat(service.getJson("/api/traces").get("traces")).isEmpty();
            io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc.newBlockingStub(channel).export(request(span().build()));
            assertThat(service.getJson("/api/traces").get("traces")).as("a good export afterwards").hasSize(1);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void invalidJson_is400_inJson() throws Exception {
        HttpResponse<byte[]> r = post("/v1/traces", "application/json",
                "{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(jsonStatusMessage(r.body())).contains("not valid JSON");
        assertNothingStoredAndStillServing();
    }

    @Test
    void base64InsteadOfHexIds_is400_namingTheField() throws Exception {
        String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"S/kvNXezTaajzpKdDg5HNg==\","
                + "\"spanId\":\"APBnqgupArc=\",\"name\":\"s\"}]}]}]}";
        HttpResponse<byte[]> r = post("/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(jsonStatusMessage(r.body())).contains("'traceId' must be a hex string").contains("not base64");
        assertNothingStoredAndStillServing();
    }

    @Test
    void wrongLengthIds_rejectTheSpan_withAReason() throws Exception {
        String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e47\","
                + "\"spanId\":\"00f067aa0ba902b7\",\"name\":\"short\"}]}]}]}";
        HttpResponse<byte[]> r = post("/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode partial = RunningService.JSON.readTree(r.body()).get("partialSuccess");
        assertThat(partial.get("rejectedSpans").asLong()).isEqualTo(1);
        assertThat(partial.get("errorMessage").asText()).contains("span 'short'").contains("trace_id must be 16 bytes");
        assertNothingStoredAndStillServing();
    }

    @Test
    void hugeAttributeValue_isCutToTheLimit_andCountedAsDropped() throws Exception {
        String tenMegabytes = "x".repeat(10 * 1024 * 1024);
        Span s = span().addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                .setValue(AnyValue.newBuilder().setStringValue(tenMegabytes))).build();
        // over the 4 MiB body limit as sent; the limit is what keeps it out
        HttpResponse<byte[]> tooBig = post("/v1/traces", "application/x-protobuf", request(s).toByteArray());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(protobufStatusMessage(tooBig.body())).contains("exceeds the limit of " + MAX_BODY + " bytes");
        assertNothingStoredAndStillServing();

        Span big = span().setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("00000000000000b1")))
                .addAttributes(KeyValue.newBuilder().setKey("prompt")
                .setValue(AnyValue.newBuilder().setStringValue("y".repeat(1024 * 1024)))).build();
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", request(big).toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess().getErrorMessage())
                .contains("1 value(s) cut to 4096 characters");
        JsonNode stored = spanNamed(service.getJson("/api/traces/" + TRACE), "00000000000000b1");
        assertThat(stored.get("attributes").get("prompt").get("value").asText()).hasSize(4096);
        assertThat(stored.get("droppedAttributesCount").asInt()).isEqualTo(1);
    }

    private static JsonNode spanNamed(JsonNode trace, String spanId) {
        for (JsonNode s : trace.get("spans")) {
            if (s.get("spanId").asText().equals(spanId)) {
                return s;
            }
        }
        throw new AssertionError("span " + spanId + " not stored");
    }

    @Test
    void hundredThousandAttributes_keepTheLimit_andCountTheRest() throws Exception {
        Span.Builder b = span();
        for (int i = 0; i < 100_000; i++) {
            b.addAttributes(KeyValue.newBuilder().setKey("k" + i).setValue(AnyValue.newBuilder().setIntValue(i)));
        }
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", request(b.build()).toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedSpans()).isZero();
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("99872 attribute(s) dropped");
        JsonNode stored = service.getJson("/api/traces/" + TRACE).get("spans").get(0);
        assertThat(stored.get("attributes").size()).isEqualTo(128);
        assertThat(stored.get("droppedAttributesCount").asInt()).isEqualTo(99_872);
    }

    @Test
    void deeplyNestedValues_are400_inProtobufAndJson() throws Exception {
        AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
        for (int i = 0; i < 500; i++) {
            v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
        }
        Span s = span().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(v)).build();
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", request(s).toByteArray());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(protobufStatusMessage(r.body())).containsIgnoringCase("recursion");

        String deepJson = "{\"resourceSpans\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        HttpResponse<byte[]> j = post("/v1/traces", "application/json", deepJson.getBytes(StandardCharsets.UTF_8));
        assertThat(j.statusCode()).isEqualTo(400);
        assertThat(jsonStatusMessage(j.body())).containsIgnoringCase("nesting depth");
        assertNothingStoredAndStillServing();
    }

    @Test
    void gzipBomb_is413_beforeItCanFillMemory() throws Exception {
        // a valid protobuf prefix whose one string claims 1 GiB: the parser keeps reading until the limit stops it
        int claimed = 1 << 30;
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(compressed, 1 << 16)) {
            CodedOutputStream head = CodedOutputStream.newInstance(gz);
            head.writeTag(1, 2);
            head.writeUInt32NoTag(claimed + 100);
            head.writeTag(1, 2);
            head.writeUInt32NoTag(claimed + 50);
            head.writeTag(1, 2);
            head.writeUInt32NoTag(claimed + 20);
            head.writeTag(2, 2);
            head.writeUInt32NoTag(claimed + 10);
            head.writeTag(1, 2);
            head.writeUInt32NoTag(claimed);
            head.flush();
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 64; i++) {
                gz.write(chunk);
            }
        }
        long heapBefore = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", compressed.toByteArray(),
                "Content-Encoding", "gzip");
        assertThat(compressed.size()).isLessThan(1024 * 1024);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(protobufStatusMessage(r.body())).contains("after decompression");
        assertThat(heapBefore).isPositive();
        assertNothingStoredAndStillServing();
    }

    @Test
    void emptyBody_isAnEmptyExportInProtobuf_andAnErrorInJson() throws Exception {
        HttpResponse<byte[]> p = post("/v1/traces", "application/x-protobuf", new byte[0]);
        assertThat(p.statusCode()).as("zero bytes is how protobuf spells an export with nothing in it").isEqualTo(200);
        HttpResponse<byte[]> j = post("/v1/traces", "application/json", new byte[0]);
        assertThat(j.statusCode()).isEqualTo(400);
        assertThat(jsonStatusMessage(j.body())).contains("body is empty");
        assertNothingStoredAndStillServing();
    }

    @Test
    void zeroSpans_isPlainSuccess() throws Exception {
        HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", request().toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
        HttpResponse<byte[]> j = post("/v1/logs", "application/json", "{\"resourceLogs\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(j.statusCode()).isEqualTo(200);
        assertNothingStoredAndStillServing();
    }

    @Test
    void unknownContentType_is415_andWrongMethod_is405() throws Exception {
        HttpResponse<byte[]> r = post("/v1/metrics", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(jsonStatusMessage(r.body())).contains("application/x-protobuf or application/json");
        HttpResponse<String> get = service.get("/v1/traces");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).get().asString().contains("POST");
        assertThat(get.body()).contains("POST");
        assertNothingStoredAndStillServing();
    }
}
