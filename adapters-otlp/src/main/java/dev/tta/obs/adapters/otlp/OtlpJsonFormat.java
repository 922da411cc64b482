package dev.tta.obs.adapters.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.ports.out.TraceFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * OTLP/JSON files: one {@code ExportTraceServiceRequest} per line with hex ids, as the
 * Collector's file exporter writes them. Reading also takes a single (pretty-printed) document.
 */
public final class OtlpJsonFormat implements TraceFormat {
    @Override
    public String name() {
        return "otlp";
    }

    @Override
    public String mediaType() {
        return "application/x-ndjson";
    }

    @Override
    public String fileExtension() {
        return ".otlp.jsonl";
    }

    @Override
    public boolean recognizes(String head) {
        return head.contains("\"resourceSpans\"") || head.contains("\"resource_spans\"");
    }

    @Override
    public Writer writer(OutputStream out) {
        return new Writer() {
            @Override
            public void write(Trace trace) {
                try {
                    out.write(OtlpJson.printOtlpJson(OtlpSpanEncoder.request(trace)).getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public long read(InputStream in, Consumer<List<Span>> sink) throws IOException {
        long count = 0;
        try (JsonParser p = OtlpJson.mapper().getFactory().createParser(in)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw new InvalidTelemetryException("not OTLP/JSON: expected one JSON object per line");
                }
                JsonNode document = OtlpJson.mapper().readTree(p);
                ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
                try {
                    OtlpJson.mergeTree(document, request);
                } catch (BadExportException e) {
                    throw new InvalidTelemetryException(e.getMessage());
                }
                OtlpSpanMapper.Mapped mapped = OtlpSpanMapper.map(request.build());
                if (mapped.rejected() > 0) {
                    throw new InvalidTelemetryException(mapped.rejected() + " span(s) are invalid; first: "
                            + mapped.firstError());
                }
                count += mapped.batch().size();
                sink.accept(mapped.batch().spans());
            }
        }
        return count;
    }
}
