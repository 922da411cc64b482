package dev.tta.obs.adapters.jaeger;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.Trace;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes traces as Jaeger JSON, the format Jaeger UI's "JSON file" upload and Jaeger query's
 * {@code /api/traces} use: {@code {"data": [trace, ...]}}. OpenTelemetry data is mapped the way the
 * OpenTelemetry Collector's Jaeger translator maps it, so a trace looks the same in Jaeger
 * whether it went through a Collector or through this file.
 *
 * <p>Streaming: call {@link #write(Trace)} once per trace; only one trace is in memory at a time.
 */
public final class JaegerJsonWriter implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final long MAX_SAFE_JS_INTEGER = (1L << 53) - 1;

    private final JsonGenerator out;

    public JaegerJsonWriter(OutputStream stream, boolean pretty) {
        try {
            this.out = JSON.createGenerator(stream, JsonEncoding.UTF8);
            if (pretty) {
                out.useDefaultPrettyPrinter();
            }
            out.writeStartObject();
            out.writeArrayFieldStart("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Trace trace) {
        try {
            writeTrace(trace);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeTrace(Trace trace) throws IOException {
        // one process per distinct resource, numbered in order of first appearance as Jaeger does
        Map<Resource, String> processes = new LinkedHashMap<>();
        for (Span s : trace.spans()) {
            processes.computeIfAbsent(s.resource(), r -> "p" + (processes.size() + 1));
        }
        out.writeStartObject();
        out.writeStringField("traceID", trace.traceId().hex());
        out.writeArrayFieldStart("spans");
        for (Span s : trace.spans()) {
            writeSpan(s, processes.get(s.resource()));
        }
        out.writeEndArray();
        out.writeObjectFieldStart("processes");
        for (var e : processes.entrySet()) {
            out.writeObjectFieldStart(e.getValue());
            out.writeStringField("serviceName", e.getKey().serviceName());
            out.writeArrayFieldStart("tags");
            for (var a : e.getKey().attributes().asMap().entrySet()) {
                if (!a.getKey().equals(Resource.SERVICE_NAME)) {
                    writeTag(a.getKey(), a.getValue());
                }
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndObject();
        out.writeNullField("warnings");
        out.writeEndObject();
    }

    private void writeSpan(Span s, String processId) throws IOException {
        out.writeStartObject();
        out.writeStringField("traceID", s.traceId().hex());
        out.writeStringField("spanID", s.spanId().hex());
        out.writeStringField("operationName", s.name());
        out.writeArrayFieldStart("references");
        if (s.parentSpanId().isPresent()) {
            writeReference("CHILD_OF", s.traceId().hex(), s.parentSpanId().get().hex());
        }
        for (SpanLink l : s.links()) {
            writeReference("FOLLOWS_FROM", l.traceId().hex(), l.spanId().hex());
        }
        out.writeEndArray();
        out.writeNumberField("flags", s.flags() & 0xff);
        out.writeNumberField("startTime", s.startTimeUnixNano() / 1_000);
        out.writeNumberField("duration", s.durationNanos() / 1_000);
        out.writeArrayFieldStart("tags");
        for (var a : s.attributes().asMap().entrySet()) {
            writeTag(a.getKey(), a.getValue());
        }
        if (s.kind() != SpanKind.UNSPECIFIED) {
            writeStringTag("span.kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (s.status().code() != StatusCode.UNSET) {
            writeStringTag("otel.status_code", s.status().code().name());
        }
        if (s.isError()) {
            writeTag("error", AttributeValue.of(true));
        }
        if (!s.status().message().isEmpty()) {
            writeStringTag("otel.status_description", s.status().message());
        }
        if (!s.scope().name().isEmpty()) {
            writeStringTag("otel.scope.name", s.scope().name());
        }
        if (!s.scope().version().isEmpty()) {
            writeStringTag("otel.scope.version", s.scope().version());
        }
        if (!s.traceState().isEmpty()) {
            writeStringTag("w3c.tracestate", s.traceState());
        }
        out.writeEndArray();
        out.writeArrayFieldStart("logs");
        for (SpanEvent e : s.events()) {
            out.writeStartObject();
            out.writeNumberField("timestamp", e.timeUnixNano() / 1_000);
            out.writeArrayFieldStart("fields");
            writeStringTag("event", e.name());
            for (var a : e.attributes().asMap().entrySet()) {
                writeTag(a.getKey(), a.getValue());
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeStringField("processID", processId);
        out.writeNullField("warnings");
        out.writeEndObject();
    }

    private void writeReference(String type, String traceId, String spanId) throws IOException {
        out.writeStartObject();
        out.writeStringField("refType", type);
        out.writeStringField("traceID", traceId);
        out.writeStringField("spanID", spanId);
        out.writeEndObject();
    }

    private void writeStringTag(String key, String value) throws IOException {
        writeTag(key, AttributeValue.of(value));
    }

    private void writeTag(String key, AttributeValue value) throws IOException {
        out.writeStartObject();
        out.writeStringField("key", key);
        if (value instanceof AttributeValue.BoolValue b) {
            out.writeStringField("type", "bool");
            out.writeBooleanField("value", b.value());
        } else if (value instanceof AttributeValue.LongValue l) {
            out.writeStringField("type", "int64");
            if (Math.abs(l.value()) > MAX_SAFE_JS_INTEGER) {
                // Jaeger UI is JavaScript: a number beyond 2^53 would be silently rounded
                out.writeStringField("value", Long.toString(l.value()));
            } else {
                out.writeNumberField("value", l.value());
            }
        } else if (value instanceof AttributeValue.DoubleValue d) {
            out.writeStringField("type", "float64");
            if (Double.isFinite(d.value())) {
                out.writeNumberField("value", d.value());
            } else {
                out.writeStringField("value", Double.toString(d.value()));
            }
        } else if (value instanceof AttributeValue.BytesValue b) {
            out.writeStringField("type", "binary");
            out.writeStringField("value", Base64.getEncoder().encodeToString(b.value()));
        } else if (value instanceof AttributeValue.StringValue s) {
            out.writeStringField("type", "string");
            out.writeStringField("value", s.value());
        } else {
            // maps and arrays become JSON strings, as the Collector's translator does
            out.writeStringField("type", "string");
            out.writeStringField("value", JaegerJsonWriter.jsonOf(value));
        }
        out.writeEndObject();
    }

    /** An array or map attribute as JSON text: arrays as JSON arrays, maps as JSON objects. */
    static String jsonOf(AttributeValue value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writePlain(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void writePlain(JsonGenerator g, AttributeValue value) throws IOException {
        if (value instanceof AttributeValue.StringValue s) {
            g.writeString(s.value());
        } else if (value instanceof AttributeValue.BoolValue b) {
            g.writeBoolean(b.value());
        } else if (value instanceof AttributeValue.LongValue l) {
            g.writeNumber(l.value());
        } else if (value instanceof AttributeValue.DoubleValue d) {
            g.writeNumber(d.value());
        } else if (value instanceof AttributeValue.BytesValue b) {
            g.writeString(Base64.getEncoder().encodeToString(b.value()));
        } else if (value instanceof AttributeValue.ArrayValue a) {
            g.writeStartArray();
            for (AttributeValue v : a.values()) {
                writePlain(g, v);
            }
            g.writeEndArray();
        } else if (value instanceof AttributeValue.MapValue m) {
            g.writeStartObject();
            writePlainMap(g, m.values());
            g.writeEndObject();
        }
    }

    private static void writePlainMap(JsonGenerator g, Attributes attributes) throws IOException {
        for (var e : attributes.asMap().entrySet()) {
            g.writeFieldName(e.getKey());
            writePlain(g, e.getValue());
        }
    }

    @Override
    public void close() {
        try {
            out.writeEndArray();
            out.writeEndObject();
            out.writeRaw('\n');
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
