package dev.tta.obs.adapters.otlp;

import com.google.protobuf.Message;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.io.RequestBodies;
import dev.tta.obs.ports.out.StoreUnavailableException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * OTLP/HTTP receiver for traces, metrics and logs, in protobuf and JSON. Answers only after the
 * data is committed, so an exporter's success means it is on disk. Every error body is a
 * {@code google.rpc.Status} in the request's encoding (JSON when the encoding is unknown).
 *
 * <p>Runs on the event loop and holds no thread while a body arrives: the body is gathered as
 * sent (compressed, at most the size limit, else 413), then one of the {@link OtlpWorkers}
 * inflates it only as far as the limit ({@link RequestBodies}) and decodes it. A protobuf body is
 * parsed from one array, which is faster than from a stream; a trace export is decoded straight
 * into domain spans ({@link OtlpTraceDecoder}).
 */
@Controller
public class OtlpHttpController {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpController.class);
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";

    private final OtlpExports exports;
    private final OtlpReceiverSettings settings;
    private final OtlpWorkers workers;

    public OtlpHttpController(OtlpExports exports, OtlpReceiverSettings settings, OtlpWorkers workers) {
        this.exports = exports;
        this.settings = settings;
        this.workers = workers;
    }

    private enum Encoding {
        PROTOBUF(OtlpHttpController.PROTOBUF), JSON(OtlpHttpController.JSON);

        final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }

        static Optional<Encoding> of(HttpRequest<?> request) {
            return request.getContentType().flatMap(t -> {
                String name = (t.getType() + "/" + t.getSubtype()).toLowerCase(Locale.ROOT);
                return switch (name) {
                    case "application/x-protobuf", "application/protobuf" -> Optional.of(PROTOBUF);
                    case "application/json" -> Optional.of(JSON);
                    default -> Optional.empty();
                };
            });
        }
    }

    @Post(uri = "/v1/traces", consumes = MediaType.ALL, produces = {PROTOBUF, JSON})
    public CompletionStage<MutableHttpResponse<byte[]>> traces(HttpRequest<?> request) {
        return export(request, ExportTraceServiceRequest.newBuilder(), body -> {
            OtlpSpanMapper.Mapped mapped = exports.decodeTraces(body);
            return () -> exports.traces(mapped);
        }, b -> exports.traces((ExportTraceServiceRequest) b.build()));
    }

    @Post(uri = "/v1/metrics", consumes = MediaType.ALL, produces = {PROTOBUF, JSON})
    public CompletionStage<MutableHttpResponse<byte[]>> metrics(HttpRequest<?> request) {
        return export(request, ExportMetricsServiceRequest.newBuilder(), body -> {
            ExportMetricsServiceRequest parsed = ExportMetricsServiceRequest.parseFrom(body);
            return () -> exports.metrics(parsed);
        }, b -> exports.metrics((ExportMetricsServiceRequest) b.build()));
    }

    @Post(uri = "/v1/logs", consumes = MediaType.ALL, produces = {PROTOBUF, JSON})
    public CompletionStage<MutableHttpResponse<byte[]>> logs(HttpRequest<?> request) {
        return export(request, ExportLogsServiceRequest.newBuilder(), body -> {
            ExportLogsServiceRequest parsed = ExportLogsServiceRequest.parseFrom(body);
            return () -> exports.logs(parsed);
        }, b -> exports.logs((ExportLogsServiceRequest) b.build()));
    }

    @Get(uris = {"/v1/traces", "/v1/metrics", "/v1/logs"}, produces = JSON)
    @Put(uris = {"/v1/traces", "/v1/metrics", "/v1/logs"}, consumes = MediaType.ALL, produces = JSON)
    @Delete(uris = {"/v1/traces", "/v1/metrics", "/v1/logs"}, consumes = MediaType.ALL, produces = JSON)
    @Patch(uris = {"/v1/traces", "/v1/metrics", "/v1/logs"}, consumes = MediaType.ALL, produces = JSON)
    public MutableHttpResponse<byte[]> wrongMethod(HttpRequest<?> request) {
        return error(Encoding.JSON, HttpStatus.METHOD_NOT_ALLOWED, RpcStatus.INVALID_ARGUMENT,
                request.getMethodName() + " is not supported here; OTLP exports are POSTed")
                .header(HttpHeaders.ALLOW, "POST, OPTIONS");
    }

    /** The browser's CORS preflight: allowed only for origins given with --cors-origin. */
    @Options(uris = {"/v1/traces", "/v1/metrics", "/v1/logs"}, consumes = MediaType.ALL)
    public MutableHttpResponse<byte[]> preflight(HttpRequest<?> request) {
        Optional<String> origin = request.getHeaders().getOrigin();
        if (origin.isEmpty()) {
            return HttpResponse.<byte[]>noContent().header(HttpHeaders.ALLOW, "POST, OPTIONS");
        }
        if (!settings.allowsOrigin(origin.get())) {
            return forbiddenOrigin(origin.get());
        }
        String requested = request.getHeaders().get("Access-Control-Request-Headers");
        MutableHttpResponse<byte[]> ok = HttpResponse.<byte[]>noContent()
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        requested == null || requested.isBlank() ? "Content-Type, Content-Encoding" : requested)
                .header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
        return allowOrigin(ok, origin.get());
    }

    /** The export to run once a body is decoded (it hands the data to ingest). */
    private interface Export {
        CompletionStage<? extends Message> run();
    }

    /**
     * @param builder the request type, filled from a JSON body and naming the type in errors
     * @param protobuf decodes a protobuf body
     * @param json runs the export of a JSON body once it is merged into {@code builder}
     */
    private CompletionStage<MutableHttpResponse<byte[]>> export(
            HttpRequest<?> request, Message.Builder builder, ProtobufDecoder<Export> protobuf,
            Function<Message.Builder, CompletionStage<? extends Message>> json) {
        Optional<String> origin = request.getHeaders().getOrigin();
        if (origin.isPresent() && !settings.allowsOrigin(origin.get())) {
            return done(forbiddenOrigin(origin.get()));
        }
        Optional<Encoding> encoding = Encoding.of(request);
        if (encoding.isEmpty()) {
            return done(withCors(error(Encoding.JSON, HttpStatus.UNSUPPORTED_MEDIA_TYPE, RpcStatus.INVALID_ARGUMENT,
                    "Content-Type must be " + PROTOBUF + " or " + JSON + ", got "
                            + request.getContentType().map(MediaType::toString).orElse("none")), origin));
        }
        Encoding enc = encoding.get();
        String contentEncoding = request.getHeaders().get(HttpHeaders.CONTENT_ENCODING);
        Optional<RequestBodies.ContentEncoding> compression = RequestBodies.ContentEncoding.of(contentEncoding);
        if (compression.isEmpty()) {
            return done(withCors(error(enc, HttpStatus.UNSUPPORTED_MEDIA_TYPE, RpcStatus.INVALID_ARGUMENT,
                    "Content-Encoding must be " + RequestBodies.SUPPORTED + ", got " + contentEncoding.trim())
                    .header(HttpHeaders.ACCEPT_ENCODING, "gzip, deflate"), origin));
        }
        long limit = settings.maxRequestBytes();
        if (request.getContentLength() > limit) {
            // refused before a byte of the body is read; closing spares reading the rest
            return done(withCors(tooLarge(enc, limit), origin).header(HttpHeaders.CONNECTION, "close"));
        }
        if (!(request instanceof ServerHttpRequest<?> server)) {
            return done(withCors(error(enc, HttpStatus.BAD_REQUEST, RpcStatus.INVALID_ARGUMENT,
                    "request has no readable body"), origin));
        }
        // the body arrives without holding a thread (this method runs on the event loop); only a
        // whole body goes to a worker, which inflates and decodes it
        return server.byteBody().buffer().handle((buffered, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (causedBy(cause, ContentLengthExceededException.class)
                        || causedBy(cause, BufferLengthExceededException.class)) {
                    return done(withCors(tooLarge(enc, limit), origin).header(HttpHeaders.CONNECTION, "close"));
                }
                return done(withCors(error(enc, HttpStatus.BAD_REQUEST, RpcStatus.INVALID_ARGUMENT,
                        "the request body could not be read: " + cause.getMessage()), origin));
            }
            byte[] raw = buffered.toByteArray();
            CompletableFuture<MutableHttpResponse<byte[]>> answer = new CompletableFuture<>();
            try {
                workers.execute(() -> decodeAndStore(raw, compression.get(), builder, protobuf, json, enc, limit)
                        .whenComplete((response, e) -> answer.complete(withCors(
                                e == null ? response : failure(enc, e), origin))));
            } catch (RejectedExecutionException e) {
                return done(withCors(error(enc, HttpStatus.TOO_MANY_REQUESTS, RpcStatus.RESOURCE_EXHAUSTED,
                        "tta-obs is busy decoding other exports; retry later"), origin)
                        .header(HttpHeaders.RETRY_AFTER, "1"));
            }
            return answer;
        }).thenCompose(Function.identity());
    }

    /** On a worker: decodes the body and hands it to ingest; the answer completes after the commit. */
    private static CompletionStage<MutableHttpResponse<byte[]>> decodeAndStore(
            byte[] raw, RequestBodies.ContentEncoding compression, Message.Builder builder,
            ProtobufDecoder<Export> protobuf, Function<Message.Builder, CompletionStage<? extends Message>> json,
            Encoding enc, long limit) {
        Export export;
        try {
            export = decode(raw, compression, builder, protobuf, json, enc, limit);
        } catch (BodyTooLarge e) {
            return done(tooLarge(enc, limit));
        } catch (BadExportException e) {
            return done(error(enc, HttpStatus.BAD_REQUEST, RpcStatus.INVALID_ARGUMENT, e.getMessage()));
        }
        CompletionStage<? extends Message> stored;
        try {
            stored = export.run();
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        return stored.handle((response, failure) -> failure == null
                ? HttpResponse.ok(enc == Encoding.JSON ? OtlpJson.print(response) : response.toByteArray())
                        .contentType(enc.mediaType)
                : failure(enc, failure instanceof CompletionException ? failure.getCause() : failure));
    }

    private static Export decode(byte[] raw, RequestBodies.ContentEncoding compression, Message.Builder builder,
                                 ProtobufDecoder<Export> protobuf,
                                 Function<Message.Builder, CompletionStage<? extends Message>> json, Encoding enc,
                                 long limit) {
        long hint = compression == RequestBodies.ContentEncoding.GZIP ? RequestBodies.gzipSizeHint(raw) : -1;
        if (raw.length > limit && compression == RequestBodies.ContentEncoding.IDENTITY || hint > limit) {
            throw new BodyTooLarge();
        }
        RequestBodies.Limited in = null;
        try {
            if (enc == Encoding.PROTOBUF && compression == RequestBodies.ContentEncoding.IDENTITY) {
                return protobuf.decode(raw);
            }
            in = RequestBodies.decoded(raw, compression, limit);
            try (RequestBodies.Limited body = in) {
                if (enc == Encoding.JSON) {
                    OtlpJson.merge(body, builder);
                    return () -> json.apply(builder);
                }
                return protobuf.decode(body.readAll(hint));
            }
        } catch (IOException | RuntimeException e) {
            if (in != null && in.exceeded()) {
                throw new BodyTooLarge();
            }
            if (e instanceof BadExportException bad) {
                throw bad;
            }
            if (compression != RequestBodies.ContentEncoding.IDENTITY
                    && (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException)) {
                throw new BadExportException("request body is not valid " + compression.name().toLowerCase(Locale.ROOT)
                        + " data: " + e.getMessage());
            }
            throw new BadExportException("request body is not a valid OTLP " + builder.getDescriptorForType().getName()
                    + ": " + e.getMessage());
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    private static MutableHttpResponse<byte[]> tooLarge(Encoding enc, long limit) {
        return error(enc, HttpStatus.REQUEST_ENTITY_TOO_LARGE, RpcStatus.INVALID_ARGUMENT,
                "request body exceeds the limit of " + limit + " bytes (after decompression); send smaller batches "
                        + "or raise --otlp-max-request-bytes");
    }

    private static MutableHttpResponse<byte[]> failure(Encoding enc, Throwable e) {
        if (e instanceof IngestOverloadedException o) {
            return error(enc, HttpStatus.TOO_MANY_REQUESTS, RpcStatus.RESOURCE_EXHAUSTED, o.getMessage())
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(o.retryAfterSeconds()));
        }
        if (e instanceof StoreUnavailableException) {
            return error(enc, HttpStatus.SERVICE_UNAVAILABLE, RpcStatus.UNAVAILABLE,
                    "storage is unavailable, retry later: " + e.getMessage())
                    .header(HttpHeaders.RETRY_AFTER, "5");
        }
        LOG.warn("OTLP export failed unexpectedly", e);
        return error(enc, HttpStatus.SERVICE_UNAVAILABLE, RpcStatus.UNAVAILABLE,
                "could not store the export (" + e.getClass().getSimpleName() + "); retry later")
                .header(HttpHeaders.RETRY_AFTER, "5");
    }

    private static MutableHttpResponse<byte[]> error(Encoding enc, HttpStatus status, int rpcCode, String message) {
        byte[] body = enc == Encoding.JSON ? OtlpJson.status(rpcCode, message) : RpcStatus.protobuf(rpcCode, message);
        return HttpResponse.<byte[]>status(status).body(body).contentType(enc.mediaType);
    }

    private MutableHttpResponse<byte[]> forbiddenOrigin(String origin) {
        // no CORS headers: the browser must not let the page read even this answer
        return error(Encoding.JSON, HttpStatus.FORBIDDEN, RpcStatus.PERMISSION_DENIED,
                "browser origin " + origin + " may not export to tta-obs; start it with --cors-origin " + origin);
    }

    private MutableHttpResponse<byte[]> withCors(MutableHttpResponse<byte[]> response, Optional<String> origin) {
        return origin.isPresent() ? allowOrigin(response, origin.get()) : response;
    }

    private static MutableHttpResponse<byte[]> allowOrigin(MutableHttpResponse<byte[]> response, String origin) {
        return response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(HttpHeaders.VARY, HttpHeaders.ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, "Retry-After");
    }

    private static CompletionStage<MutableHttpResponse<byte[]>> done(MutableHttpResponse<byte[]> response) {
        return CompletableFuture.completedFuture(response);
    }
}
