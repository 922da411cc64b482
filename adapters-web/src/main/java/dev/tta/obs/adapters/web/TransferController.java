package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.TraceSelection;
import dev.tta.obs.ports.in.TransferProgress;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.ports.io.RequestBodies;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bulk export and import over HTTP, for `tta-obs export --url` / `import --url` against a running
 * service. The export streams: the response is written while traces are read, one at a time.
 */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TransferController {
    private final TransferTraces transfer;
    private final long maxBodyBytes;

    /** @param maxBodyBytes the server's request size limit, which an import's inflated bytes keep to as well */
    public TransferController(TransferTraces transfer,
                              @Property(name = "micronaut.server.max-request-size", defaultValue = "67108864")
                              long maxBodyBytes) {
        this.transfer = transfer;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Get("/export")
    public MutableHttpResponse<?> export(@Nullable @QueryValue String format,
                                         @Nullable @QueryValue List<String> traceId,
                                         @Nullable @QueryValue Long start,
                                         @Nullable @QueryValue Long end,
                                         @Nullable @QueryValue String service) throws IOException {
        String name = format == null || format.isBlank() ? "jaeger" : format;
        if (!transfer.formats().contains(name)) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Unknown format",
                    "format must be one of " + transfer.formats() + ", got '" + name + "'");
        }
        List<TraceId> ids = new ArrayList<>();
        try {
            for (String id : traceId == null ? List.<String>of() : traceId) {
                ids.add(TraceId.of(id));
            }
        } catch (InvalidTelemetryException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Invalid trace id", e.getMessage());
        }
        TraceSelection selection = new TraceSelection(ids, Optional.ofNullable(start), Optional.ofNullable(end),
                Optional.ofNullable(service).filter(s -> !s.isBlank()));
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream out = new PipedOutputStream(in);
        Thread writer = new Thread(() -> {
            try (out) {
                transfer.export(selection, name, out, TransferProgress.NONE);
            } catch (IOException | RuntimeException e) {
                // the client sees a truncated document; closing the pipe ends the response
            }
        }, "tta-obs-export");
        writer.setDaemon(true);
        writer.start();
        return HttpResponse.ok(new StreamedFile(in, MediaType.of(transfer.mediaType(name).orElse("application/json"))))
                .header("Content-Disposition", "attachment; filename=\"tta-obs-traces." + name + ".json\"");
    }

    @Post(uri = "/import", consumes = {MediaType.APPLICATION_JSON, "application/x-ndjson", MediaType.TEXT_PLAIN,
            MediaType.APPLICATION_OCTET_STREAM})
    public MutableHttpResponse<?> importFile(@Body byte[] raw, @Nullable @QueryValue String format,
                                             @Nullable @Header(HttpHeaders.CONTENT_ENCODING) String contentEncoding) {
        Optional<RequestBodies.ContentEncoding> encoding = RequestBodies.ContentEncoding.of(contentEncoding);
        if (encoding.isEmpty()) {
            return ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Content-Encoding",
                    "Content-Encoding must be " + RequestBodies.SUPPORTED + ", got " + contentEncoding.trim());
        }
        byte[] body;
        try {
            body = inflated(raw, encoding.get());
        } catch (BodyTooLarge e) {
            return ApiProblem.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Import too large", e.getMessage());
        } catch (IOException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Cannot import", "the body is not valid "
                    + encoding.get().name().toLowerCase(java.util.Locale.ROOT) + " data: " + e.getMessage());
        }
        try {
            TransferTraces.ImportResult result = transfer.importWhole(new TransferTraces.Source() {
                @Override
                public java.io.InputStream open() {
                    return new ByteArrayInputStream(body);
                }

                @Override
                public long sizeBytes() {
                    return body.length;
                }
            }, Optional.ofNullable(format).filter(f -> !f.isBlank()), TransferProgress.NONE);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", result.format());
            m.put("spans", result.spans());
            return HttpResponse.ok(m);
        } catch (IllegalArgumentException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Cannot import", e.getMessage());
        } catch (IOException e) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "Cannot import", "the file could not be read: " + e.getMessage());
        }
    }

    private static final class BodyTooLarge extends Exception {
        BodyTooLarge(String message) {
            super(message);
        }
    }

    /**
     * A compressed export (a .json.gz) inflated here, on this request's worker thread, and only as
     * far as the limit of a request: past it, the import is refused before more is inflated.
     */
    private byte[] inflated(byte[] raw, RequestBodies.ContentEncoding encoding) throws IOException, BodyTooLarge {
        if (encoding == RequestBodies.ContentEncoding.IDENTITY) {
            return raw;
        }
        String tooLarge = "the body inflates to more than " + maxBodyBytes + " bytes, the limit of a request "
                + "(--otlp-max-request-bytes); import the file with `tta-obs import` instead";
        long hint = encoding == RequestBodies.ContentEncoding.GZIP ? RequestBodies.gzipSizeHint(raw) : -1;
        if (hint > maxBodyBytes) {
            throw new BodyTooLarge(tooLarge);
        }
        try (RequestBodies.Limited in = RequestBodies.decoded(raw, encoding, maxBodyBytes)) {
            try {
                return in.readAll(hint);
            } catch (IOException e) {
                if (in.exceeded()) {
                    throw new BodyTooLarge(tooLarge);
                }
                throw e;
            }
        }
    }
}
