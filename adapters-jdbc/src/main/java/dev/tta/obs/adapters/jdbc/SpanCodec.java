package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBuilder;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.SpanStatus;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact binary form of a group of spans, stored as one blob per trace and commit. Spans of a
 * request usually share one resource and a few scopes, so those are written once per blob and
 * referenced by index. Every value keeps its OpenTelemetry type.
 */
public final class SpanCodec {
    private static final int VERSION = 1;
    private static final int T_STRING = 0;
    private static final int T_BOOL = 1;
    private static final int T_LONG = 2;
    private static final int T_DOUBLE = 3;
    private static final int T_BYTES = 4;
    private static final int T_ARRAY = 5;
    private static final int T_MAP = 6;

    private SpanCodec() {
    }

    public static byte[] encode(List<Span> spans) {
        // spans of one request share their resource and scope instances: look those up by identity
        // first, so the record's deep equals/hashCode runs once per distinct instance, not per span
        Map<Resource, Integer> resources = new LinkedHashMap<>();
        Map<InstrumentationScope, Integer> scopes = new LinkedHashMap<>();
        IdentityHashMap<Object, Integer> indexOf = new IdentityHashMap<>();
        int[] resourceIndex = new int[spans.size()];
        int[] scopeIndex = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            Integer r = indexOf.get(s.resource());
            if (r == null) {
                r = resources.computeIfAbsent(s.resource(), k -> resources.size());
                indexOf.put(s.resource(), r);
            }
            Integer sc = indexOf.get(s.scope());
            if (sc == null) {
                sc = scopes.computeIfAbsent(s.scope(), k -> scopes.size());
                indexOf.put(s.scope(), sc);
            }
            resourceIndex[i] = r;
            scopeIndex[i] = sc;
        }
        ByteSink out = new ByteSink(256 * spans.size() + 64);
        out.writeByte(VERSION);
        out.writeVarInt(resources.size());
        for (Resource r : resources.keySet()) {
            writeAttributes(out, r.attributes());
            out.writeVarInt(r.droppedAttributesCount());
        }
        out.writeVarInt(scopes.size());
        for (InstrumentationScope sc : scopes.keySet()) {
            out.writeString(sc.name());
            out.writeString(sc.version());
            writeAttributes(out, sc.attributes());
            out.writeVarInt(sc.droppedAttributesCount());
        }
        out.writeVarInt(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            out.writeRaw(s.traceId().toBytes());
            out.writeRaw(s.spanId().toBytes());
            if (s.parentSpanId().isPresent()) {
                out.writeByte(1);
                out.writeRaw(s.parentSpanId().get().toBytes());
            } else {
                out.writeByte(0);
            }
            out.writeString(s.traceState());
            out.writeString(s.name());
            out.writeByte(s.kind().number());
            out.writeFixedLong(s.startTimeUnixNano());
            out.writeFixedLong(s.endTimeUnixNano());
            writeAttributes(out, s.attributes());
            out.writeVarInt(s.droppedAttributesCount());
            out.writeVarInt(s.events().size());
            for (SpanEvent e : s.events()) {
                out.writeFixedLong(e.timeUnixNano());
                out.writeString(e.name());
                writeAttributes(out, e.attributes());
                out.writeVarInt(e.droppedAttributesCount());
            }
            out.writeVarInt(s.droppedEventsCount());
            out.writeVarInt(s.links().size());
            for (SpanLink l : s.links()) {
                out.writeRaw(l.traceId().toBytes());
                out.writeRaw(l.spanId().toBytes());
                out.writeString(l.traceState());
                writeAttributes(out, l.attributes());
                out.writeVarInt(l.droppedAttributesCount());
            }
            out.writeVarInt(s.droppedLinksCount());
            out.writeByte(s.status().code().number());
            out.writeString(s.status().message());
            out.writeVarInt(resourceIndex[i]);
            out.writeVarInt(scopeIndex[i]);
            out.writeVarInt(s.flags());
        }
        return out.toByteArray();
    }

    public static List<Span> decode(byte[] blob) {
        ByteSource in = new ByteSource(blob);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException("stored spans use format " + version + ", this tta-obs reads "
                    + VERSION + "; upgrade tta-obs");
        }
        int nResources = in.readVarInt();
        List<Resource> resources = new ArrayList<>(nResources);
        for (int i = 0; i < nResources; i++) {
            resources.add(new Resource(readAttributes(in), in.readVarInt()));
        }
        int nScopes = in.readVarInt();
        List<InstrumentationScope> scopes = new ArrayList<>(nScopes);
        for (int i = 0; i < nScopes; i++) {
            scopes.add(new InstrumentationScope(in.readString(), in.readString(), readAttributes(in), in.readVarInt()));
        }
        int n = in.readVarInt();
        List<Span> spans = new ArrayList<>(n);
        // ids repeat across spans of a trace; sharing the instances saves hex decoding and memory
        Map<String, TraceId> traceIds = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TraceId traceId = traceIds.computeIfAbsent(hex(in.readRaw(TraceId.BYTES)), TraceId::of);
            SpanBuilder b = Span.builder(traceId, SpanId.fromBytes(in.readRaw(SpanId.BYTES)));
            if (in.readByte() == 1) {
                b.parent(SpanId.fromBytes(in.readRaw(SpanId.BYTES)));
            }
            b.traceState(in.readString())
                    .name(in.readString())
                    .kind(SpanKind.fromNumber(in.readByte()))
                    .start(in.readFixedLong())
                    .end(in.readFixedLong())
                    .attributes(readAttributes(in))
                    .droppedAttributes(in.readVarInt());
            int nEvents = in.readVarInt();
            List<SpanEvent> events = new ArrayList<>(nEvents);
            for (int e = 0; e < nEvents; e++) {
                events.add(new SpanEvent(in.readFixedLong(), in.readString(), readAttributes(in), in.readVarInt()));
            }
            b.events(events).droppedEvents(in.readVarInt());
            int nLinks = in.readVarInt();
            List<SpanLink> links = new ArrayList<>(nLinks);
            for (int l = 0; l < nLinks; l++) {
                links.add(new SpanLink(TraceId.fromBytes(in.readRaw(TraceId.BYTES)),
                        SpanId.fromBytes(in.readRaw(SpanId.BYTES)), in.readString(), readAttributes(in),
                        in.readVarInt()));
            }
            b.links(links).droppedLinks(in.readVarInt());
            b.status(new SpanStatus(StatusCode.fromNumber(in.readByte()), in.readString()));
            b.resource(resources.get(in.readVarInt()));
            b.scope(scopes.get(in.readVarInt()));
            b.flags(in.readVarInt());
            spans.add(b.build());
        }
        return spans;
    }

    private static String hex(byte[] bytes) {
        return TraceId.fromBytes(bytes).hex();
    }

    static void writeAttributes(ByteSink out, Attributes attributes) {
        out.writeVarInt(attributes.size());
        for (var e : attributes.asMap().entrySet()) {
            out.writeString(e.getKey());
            writeValue(out, e.getValue());
        }
    }

    private static void writeValue(ByteSink out, AttributeValue value) {
        if (value instanceof AttributeValue.StringValue s) {
            out.writeByte(T_STRING);
            out.writeString(s.value());
        } else if (value instanceof AttributeValue.BoolValue b) {
            out.writeByte(T_BOOL);
            out.writeByte(b.value() ? 1 : 0);
        } else if (value instanceof AttributeValue.LongValue l) {
            out.writeByte(T_LONG);
            out.writeFixedLong(l.value());
        } else if (value instanceof AttributeValue.DoubleValue d) {
            out.writeByte(T_DOUBLE);
            out.writeFixedLong(Double.doubleToRawLongBits(d.value()));
        } else if (value instanceof AttributeValue.BytesValue b) {
            out.writeByte(T_BYTES);
            out.writeBytes(b.value());
        } else if (value instanceof AttributeValue.ArrayValue a) {
            out.writeByte(T_ARRAY);
            out.writeVarInt(a.values().size());
            for (AttributeValue v : a.values()) {
                writeValue(out, v);
            }
        } else if (value instanceof AttributeValue.MapValue m) {
            out.writeByte(T_MAP);
            writeAttributes(out, m.values());
        } else {
            throw new IllegalArgumentException("unknown attribute value type " + value.getClass());
        }
    }

    static Attributes readAttributes(ByteSource in) {
        int n = in.readVarInt();
        if (n == 0) {
            return Attributes.empty();
        }
        LinkedHashMap<String, AttributeValue> map = new LinkedHashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            map.put(in.readString(), readValue(in));
        }
        return Attributes.ofOwned(map);
    }

    private static AttributeValue readValue(ByteSource in) {
        int tag = in.readByte();
        return switch (tag) {
            case T_STRING -> new AttributeValue.StringValue(in.readString());
            case T_BOOL -> new AttributeValue.BoolValue(in.readByte() == 1);
            case T_LONG -> new AttributeValue.LongValue(in.readFixedLong());
            case T_DOUBLE -> new AttributeValue.DoubleValue(Double.longBitsToDouble(in.readFixedLong()));
            case T_BYTES -> new AttributeValue.BytesValue(in.readBytes());
            case T_ARRAY -> {
                int n = in.readVarInt();
                List<AttributeValue> values = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    values.add(readValue(in));
                }
                yield new AttributeValue.ArrayValue(values);
            }
            case T_MAP -> new AttributeValue.MapValue(readAttributes(in));
            default -> throw new IllegalStateException("stored span data has an unknown value type " + tag);
        };
    }
}
