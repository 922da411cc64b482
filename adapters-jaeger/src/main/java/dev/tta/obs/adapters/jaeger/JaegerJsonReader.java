package dev.tta.obs.adapters.jaeger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBuilder;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceId;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads Jaeger JSON ({@code {"data": [trace, ...]}}) back into spans, undoing what
 * {@link JaegerJsonWriter} does, one trace at a time so a large file never sits in memory whole.
 */
public final class JaegerJsonReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Tags the writer derives from span fields; on import they become those fields again. */
    private static final Set<String> DERIVED_TAGS = Set.of("span.kind", "otel.status_code", "error",
            "otel.status_description", "otel.scope.name", "otel.scope.version", "w3c.tracestate");

    private JaegerJsonReader() {
    }

    /** Calls {@code sink} with the spans of each trace in the file, in file order; returns the span count. */
    public static long read(InputStream in, Consumer<List<Span>> sink) throws IOException {
        long count = 0;
        try (JsonParser p = MAPPER.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidTelemetryException("not Jaeger JSON: expected an object with a \"data\" array");
            }
            boolean sawData = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!"data".equals(field)) {
                    p.skipChildren();
                    continue;
                }
                sawData = true;
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw new InvalidTelemetryException("not Jaeger JSON: \"data\" must be an array");
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode trace = MAPPER.readTree(p);
                    List<Span> spans = trace(trace);
                    count += spans.size();
                    sink.accept(spans);
                }
            }
            if (!sawData) {
                throw new InvalidTelemetryException("not Jaeger JSON: no \"data\" array");
            }
        } catch (CharConversionException e) {
            // Jackson guesses UTF-16 or UTF-32 from leading zero bytes; a Jaeger file is UTF-8 text
            throw new InvalidTelemetryException("not Jaeger JSON: the file is not UTF-8 text (" + e.getMessage() + ")");
        }
        return count;
    }

    static List<Span> trace(JsonNode trace) {
        Map<String, Resource> processes = new HashMap<>();
        trace.path("processes").fields().forEachRemaining(e -> {
            Attributes.Builder attrs = Attributes.builder().put(Resource.SERVICE_NAME,
                    e.getValue().path("serviceName").asText(""));
            for (JsonNode tag : e.getValue().path("tags")) {
                attrs.put(tag.path("key").asText(), value(tag));
            }
            processes.put(e.getKey(), new Resource(attrs.build(), 0));
        });
        List<Span> spans = new ArrayList<>();
        for (JsonNode s : trace.path("spans")) {
            spans.add(span(s, processes));
        }
        return spans;
    }

    private static Span span(JsonNode s, Map<String, Resource> processes) {
        TraceId traceId = TraceId.of(pad(s.path("traceID").asText(), 32));
        SpanBuilder b = Span.builder(traceId, SpanId.of(pad(s.path("spanID").asText(), 16)))
                .name(s.path("operationName").asText(""))
                .flags(s.path("flags").asInt(0));
        long start = s.path("startTime").asLong() * 1_000;
        b.start(start).end(start + s.path("duration").asLong() * 1_000);
        boolean parentSet = false;
        for (JsonNode ref : s.path("references")) {
            TraceId refTrace = TraceId.of(pad(ref.path("traceID").asText(), 32));
            SpanId refSpan = SpanId.of(pad(ref.path("spanID").asText(), 16));
            if (!parentSet && "CHILD_OF".equals(ref.path("refType").asText()) && refTrace.equals(traceId)) {
                b.parent(refSpan);
                parentSet = true;
            } else {
                b.addLink(new SpanLink(refTrace, refSpan, "", Attributes.empty(), 0));
            }
        }
        Attributes.Builder attrs = Attributes.builder();
        String kind = "";
        String status = "";
        String statusMessage = "";
        String scopeName = "";
        String scopeVersion = "";
        for (JsonNode tag : s.path("tags")) {
            String key = tag.path("key").asText();
            if (!DERIVED_TAGS.contains(key)) {
                attrs.put(key, value(tag));
                continue;
            }
            String text = tag.path("value").asText("");
            switch (key) {
                case "span.kind" -> kind = text;
                case "otel.status_code" -> status = text;
                case "otel.status_description" -> statusMessage = text;
                case "otel.scope.name" -> scopeName = text;
                case "otel.scope.version" -> scopeVersion = text;
                case "w3c.tracestate" -> b.traceState(text);
                case "error" -> {
                    if (status.isEmpty() && tag.path("value").asBoolean(false)) {
                        status = "ERROR";
                    }
                }
                default -> { }
            }
        }
        b.attributes(attrs.build());
        b.kind(kind(kind));
        b.status(status.equalsIgnoreCase("ERROR") ? StatusCode.ERROR
                : status.equalsIgnoreCase("OK") ? StatusCode.OK : StatusCode.UNSET, statusMessage);
        b.scope(new InstrumentationScope(scopeName, scopeVersion, Attributes.empty(), 0));
        for (JsonNode log : s.path("logs")) {
            String name = "";
            Attributes.Builder fields = Attributes.builder();
            for (JsonNode f : log.path("fields")) {
                if (name.isEmpty() && "event".equals(f.path("key").asText())) {
                    name = f.path("value").asText("");
                } else {
                    fields.put(f.path("key").asText(), value(f));
                }
            }
            b.addEvent(new SpanEvent(log.path("timestamp").asLong() * 1_000, name, fields.build(), 0));
        }
        Resource resource = processes.get(s.path("processID").asText());
        b.resource(resource != null ? resource : Resource.EMPTY);
        return b.build();
    }

    private static SpanKind kind(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "internal" -> SpanKind.INTERNAL;
            case "server" -> SpanKind.SERVER;
            case "client" -> SpanKind.CLIENT;
            case "producer" -> SpanKind.PRODUCER;
            case "consumer" -> SpanKind.CONSUMER;
            default -> SpanKind.UNSPECIFIED;
        };
    }

    /** Jaeger drops leading zeros from ids; ours are fixed-width. */
    private static String pad(String hex, int width) {
        return hex.length() >= width ? hex : "0".repeat(width - hex.length()) + hex;
    }

    /** @throws InvalidTelemetryException naming the tag when its value does not fit its type */
    private static AttributeValue value(JsonNode tag) {
        try {
            return typedValue(tag);
        } catch (InvalidTelemetryException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // NumberFormatException and Base64's complaint alone would not say where the file is wrong
            String text = tag.path("value").asText();
            throw new InvalidTelemetryException("not Jaeger JSON: tag '" + tag.path("key").asText() + "' of type "
                    + tag.path("type").asText() + " has the value '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        }
    }

    private static AttributeValue typedValue(JsonNode tag) {
        JsonNode v = tag.path("value");
        return switch (tag.path("type").asText("string").toLowerCase(Locale.ROOT)) {
            case "bool" -> AttributeValue.of(v.isBoolean() ? v.booleanValue() : Boolean.parseBoolean(v.asText()));
            case "int64" -> AttributeValue.of(v.isNumber() ? v.longValue() : Long.parseLong(v.asText().trim()));
            case "float64" -> AttributeValue.of(v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText().trim()));
            case "binary" -> new AttributeValue.BytesValue(Base64.getDecoder().decode(v.asText("")));
            default -> AttributeValue.of(v.isTextual() ? v.textValue() : v.toString());
        };
    }
}
