package dev.tta.obs.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static dev.tta.obs.app.OtlpRequests.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Small protocol mistakes, each answered with the right status and a message, and each logged
 * as at most one line (issue 22, item 8): real clients (raw sockets, java.net.http, grpc-java).
 */
class ProtocolErrorsIT {
    @TempDir
    Path dataDir;
    RunningService service;
    final HttpClient http = HttpClient.newHttpClient();
    private final List<Runnable> cleanup = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
        if (service != null) {
            service.close();
        }
    }

    /** The events logged under {@code name} (and below it) while the test runs. */
    private ListAppender<ILoggingEvent> capture(String name) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        cleanup.add(() -> logger.detachAppender(appender));
        return appender;
    }

    private HttpResponse<String> send(String method, String path, String contentType, String encoding, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url(path)))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void liveFeed_firstStats_countTheTracesStoredBeforeIt() throws Exception {
        service = new RunningService(dataDir);
        // the feed read its stats once at start, with nothing stored and no one subscribed
        Thread.sleep(1500);
        for (int t = 1; t <= 3; t++) {
            service.export(service("checkout").span(t, 0, -1, "run", 0, 10, false).bytes());
        }
        assertThat(service.getJson("/api/stats").get("traceCount").asLong()).isEqualTo(3);
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + service.port
                + "/api/live"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        try {
                            received.add(RunningService.JSON.readTree(data.toString()));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        cleanup.add(socket::abort);
        JsonNode first = received.poll(5, TimeUnit.SECONDS);
        assertThat(first).as("a first message").isNotNull();
        assertThat(first.get("type").asText()).isEqualTo("stats");
        assertThat(first.get("stats").get("traceCount").asLong()).isEqualTo(3);

        socket.sendText("{\"type\":\"subscribe\",\"filter\":{\"errorsOnly\":\"maybe\"}}", true);
        JsonNode refused = received.poll(5, TimeUnit.SECONDS);
        while (refused != null && !refused.get("type").asText().equals("error")) {
            refused = received.poll(5, TimeUnit.SECONDS);
        }
        assertThat(refused).as("an error for errorsOnly=maybe").isNotNull();
        assertThat(refused.get("detail").asText()).isEqualTo("filter.errorsOnly must be true or false, got \"maybe\"");
    }

    @Test
    void oversizeWebSocketMessages_close1009_andLogOneLine() throws Exception {
        service = new RunningService(dataDir);
        ListAppender<ILoggingEvent> feed = capture(dev.tta.obs.adapters.web.LiveWebSocket.class.getName());
        ListAppender<ILoggingEvent> micronaut = capture("io.micronaut");
        for (int i = 0; i < 5; i++) {
            assertThat(closeCodeAfterSending(200_000)).as("closed: message too big").isEqualTo(1009);
        }
        Thread.sleep(300);
        assertThat(micronaut.list).as("no ERROR with a stack trace from the server")
                .filteredOn(e -> e.getLevel() == Level.ERROR).isEmpty();
        assertThat(feed.list).hasSize(1);
        assertThat(feed.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(feed.list.get(0).getFormattedMessage()).contains("Max frame length").doesNotContain("\n");
        assertThat(feed.list.get(0).getThrowableProxy()).isNull();
    }

    /**
     * Opens the live feed over a raw socket, sends one text frame of {@code size} bytes and
     * returns the status code of the close frame the server answers with (-1 if none).
     */
    private int closeCodeAfterSending(int size) throws IOException {
        try (Socket s = new Socket("127.0.0.1", service.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/live HTTP/1.1\r\nHost: localhost:" + service.port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // the upgrade's answer first: bytes sent before it would reach the HTTP decoder
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            java.io.InputStream in = s.getInputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return -1;
                }
                got.write(b);
            }
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) size >>> shift) & 0xFF);
            }
            frame.write(new byte[4]); // a zero mask leaves the payload as it is
            frame.write("a".repeat(size).getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(frame.toByteArray());
            } catch (IOException e) {
                // the server may close before the whole frame is sent; its close frame is already here
            }
            byte[] frames;
            try {
                frames = in.readAllBytes();
            } catch (IOException e) {
                return -1;
            }
            int i = 0;
            while (i + 1 < frames.length) {
                // the server's frames, unmasked: opcode, a length of 7 bits, or 16 or 64 after it
                int opcode = frames[i] & 0x0F;
                long length = frames[i + 1] & 0x7F;
                int at = i + 2;
                if (length == 126 || length == 127) {
                    int bytes = length == 126 ? 2 : 8;
                    length = 0;
                    for (int b = 0; b < bytes; b++) {
                        length = length << 8 | (frames[at++] & 0xFF);
                    }
                }
                if (opcode == 0x8 && length >= 2) {
                    return (frames[at] & 0xFF) << 8 | (frames[at + 1] & 0xFF);
                }
                i = at + (int) length;
            }
            return -1;
        }
    }

    @Test
    void http1RequestsOnTheGrpcPort_logOneLine() throws Exception {
        int grpcPort = RunningService.freePort();
        service = new RunningService(dataDir, "--otlp-grpc-port=" + grpcPort);
        ListAppender<ILoggingEvent> grpc = capture("dev.tta.obs.grpc");
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket("127.0.0.1", grpcPort)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                // the server drops the connection; what it logs is the point
            }
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (grpc.list.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
        assertThat(grpc.list).as("50 misdirected requests, one line").hasSize(1);
        ILoggingEvent line = grpc.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getFormattedMessage()).contains("Unexpected HTTP/1.x request").contains("--otlp-http-port")
                .doesNotContain("\n");
    }

    private static ExportTraceServiceRequest bigRequest(int bytes) {
        Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("6b8efff798038103d269b633813fc60c")))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("00f067aa0ba902b7"))).setName("big")
                .setStartTimeUnixNano(1).setEndTimeUnixNano(2)
                .addAttributes(KeyValue.newBuilder().setKey("prompt")
                        .setValue(AnyValue.newBuilder().setStringValue("x".repeat(bytes)))).build();
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
    }

    @Test
    void oversizeGrpcMessages_plainOrGzip_areResourceExhausted_sayingWhatToDo() throws Exception {
        int grpcPort = RunningService.freePort();
        service = new RunningService(dataDir, "--otlp-grpc-port=" + grpcPort, "--otlp-max-request-bytes=65536");
        ListAppender<ILoggingEvent> grpc = capture("dev.tta.obs.grpc");
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        cleanup.add(channel::shutdownNow);
        TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        ExportTraceServiceRequest big = bigRequest(1 << 20);

        StatusRuntimeException gzip = catchThrowableOfType(() -> stub.withCompression("gzip").export(big),
                StatusRuntimeException.class);
        assertThat(gzip.getStatus().getCode()).as("gzip, " + gzip.getStatus()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(gzip.getStatus().getDescription()).contains("--otlp-max-request-bytes").contains("nothing was stored");

        StatusRuntimeException plain = catchThrowableOfType(() -> stub.export(big), StatusRuntimeException.class);
        assertThat(plain.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        assertThat(stub.withCompression("gzip").export(bigRequest(1000))).as("a small gzip export").isNotNull();
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(1);
        assertThat(grpc.list).as("no application error logged").noneMatch(e -> e.getFormattedMessage()
                .contains("Exception while executing"));
    }

    @Test
    void dashboardFiles_answerGetAndHeadOnly() throws Exception {
        service = new RunningService(dataDir);
        assertThat(service.get("/index.html").statusCode()).isEqualTo(200);
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = send(method, "/index.html", "text/plain", null, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(r.body()).contains("only GET and HEAD");
        }
        assertThat(send("HEAD", "/index.html", null, null, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/no-such-file.js", "text/plain", null, new byte[1]).statusCode()).isEqualTo(404);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void unsupportedContentEncodings_are415_namingTheSupportedOnes() throws Exception {
        service = new RunningService(dataDir);
        byte[] export = service("enc").span(1, 0, -1, "run", 0, 1, false).bytes();
        for (String encoding : List.of("br", "zstd", "snappy")) {
            HttpResponse<String> r = send("POST", "/v1/traces", "application/json", encoding, new byte[] {1, 2, 3});
            assertThat(r.statusCode()).as(encoding).isEqualTo(415);
            assertThat(r.body()).contains("Content-Encoding must be gzip, deflate or identity, got " + encoding);
        }
        assertThat(send("POST", "/v1/traces", "application/x-protobuf", "gzip", gzip(export)).statusCode()).isEqualTo(200);
        HttpResponse<String> badGzip = send("POST", "/v1/traces", "application/json", "gzip",
                "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(badGzip.statusCode()).isEqualTo(400);
        assertThat(badGzip.body()).contains("not valid gzip data");
        HttpResponse<String> importBrotli = send("POST", "/api/import", "application/json", "br", new byte[] {1, 2, 3});
        assertThat(importBrotli.statusCode()).isEqualTo(415);
        assertThat(importBrotli.body()).contains("Content-Encoding must be gzip, deflate or identity, got br");
        HttpResponse<String> gzipElsewhere = send("POST", "/api/traces/" + "ab".repeat(16) + "/feedback",
                "application/json", "gzip", gzip("{}".getBytes()));
        assertThat(gzipElsewhere.statusCode()).isEqualTo(415);
        assertThat(gzipElsewhere.body()).contains("takes an uncompressed body");
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(1);
    }

    @Test
    void aGzippedExport_importsOverHttp_aBombStopsAtTheRequestLimit_andBadGzipIs400() throws Exception {
        service = new RunningService(dataDir, "--otlp-max-request-bytes=1048576");
        service.export(service("gz").span(7, 0, -1, "zipped-run", 0, 5, false).bytes());
        HttpResponse<String> export = service.get("/api/export?format=otlp");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/api/traces", null, null, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(service.getJson("/api/traces").get("traces")).isEmpty();

        // a .json.gz export, sent as it is with its encoding
        HttpResponse<String> imported = send("POST", "/api/import", "application/json", "gzip",
                gzip(export.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(RunningService.JSON.readTree(imported.body()).get("spans").asInt()).isEqualTo(1);
        assertThat(service.getJson("/api/traces").get("traces").get(0).get("rootName").asText()).isEqualTo("zipped-run");

        // 2 MB of spaces inflate past the 1 MB limit: refused, nothing stored, the server still answers
        byte[] bomb = gzip(" ".repeat(2 << 20).getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(1 << 20);
        HttpResponse<String> tooBig = send("POST", "/api/import", "application/json", "gzip", bomb);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("the body inflates to more than 1048576 bytes");
        // the same as raw deflate, which says no size: only inflating finds out, and stops at the limit
        HttpResponse<String> noHint = send("POST", "/api/import", "application/json", "deflate",
                java.util.Arrays.copyOfRange(bomb, 10, bomb.length - 8));
        assertThat(noHint.statusCode()).as(noHint.body()).isEqualTo(413);

        HttpResponse<String> notGzip = send("POST", "/api/import", "application/json", "gzip",
                export.body().getBytes(StandardCharsets.UTF_8));
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(notGzip.body()).contains("the body is not valid gzip data");
        assertThat(service.getJson("/api/traces").get("traces")).hasSize(1);
        assertThat(service.get("/api/health").statusCode()).isEqualTo(200);
    }

    @Test
    void overlongQuery_is414_andOversizeHeaders_431() throws Exception {
        service = new RunningService(dataDir);
        RawHttp.Reply longQuery = RawHttp.send(service.port, "GET", "/api/traces?q=" + "a".repeat(10_000),
                "Host: localhost");
        assertThat(longQuery.status()).isEqualTo(414);
        assertThat(longQuery.body()).contains("request line");
        RawHttp.Reply bigHeader = RawHttp.send(service.port, "GET", "/api/health", "Host: localhost",
                "X-Big: " + "b".repeat(20_000));
        assertThat(bigHeader.status()).isEqualTo(431);
        assertThat(service.get("/api/health").statusCode()).isEqualTo(200);
    }

    @Test
    void flagParameters_takeTrueOrFalse_andRefuseAnythingElse() throws Exception {
        service = new RunningService(dataDir);
        for (String query : List.of("errors=maybe", "regressions=yes", "errors=1")) {
            HttpResponse<String> r = service.get("/api/traces?" + query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            String name = query.substring(0, query.indexOf('='));
            assertThat(RunningService.JSON.readTree(r.body()).get("detail").asText())
                    .isEqualTo(name + " must be true or false, got '" + query.substring(name.length() + 1) + "'");
        }
        for (String query : List.of("errors=true", "errors=false", "errors=TRUE", "regressions=false", "errors=")) {
            assertThat(service.get("/api/traces?" + query).statusCode()).as(query).isEqualTo(200);
        }
    }
}
