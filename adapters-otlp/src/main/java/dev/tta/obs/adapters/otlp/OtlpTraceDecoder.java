package dev.tta.obs.adapters.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanBuilder;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.SpanLink;
import dev.tta.obs.domain.SpanStatus;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes an OTLP/protobuf trace export from its bytes straight into domain spans, with the same
 * result as parsing it with the generated classes and mapping it with {@link OtlpSpanMapper}, at
 * a fraction of the cost: no message objects per span, attribute and value, and the keys, names
 * and services that repeat in a request are decoded once and shared.
 *
 * <p>It reads the common shape of an export. Anything else (a malformed body, a field of the
 * right number with the wrong wire type, a singular message sent twice, which protobuf merges, a
 * group, string-table references, entity references, very deep nesting) makes it give up on the
 * request, and {@link #map} hands the bytes to the generated parser and the mapper instead, so the
 * rare shapes keep protobuf's exact semantics and its error messages.
 */
final class OtlpTraceDecoder {
    /** Far below protobuf's recursion limit of 100, so the generated parser judges deeper values. */
    private static final int MAX_VALUE_DEPTH = 40;
    private static final int CACHE_SLOTS = 512;
    private static final int CACHE_MAX_BYTES = 64;
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_FIXED32 = 5;

    private final byte[] buf;
    private AttributeLimiter limiter;
    /** Short strings seen in this request, by a hash of their bytes: keys, names and services repeat. */
    private final String[] cache = new String[CACHE_SLOTS];
    private int pos;
    private long lastTraceIdRange;
    private TraceId lastTraceId;

    private OtlpTraceDecoder(byte[] buf, AttributeLimits limits) {
        this.buf = buf;
        this.limiter = new AttributeLimiter(limits);
    }

    /**
     * The spans of one export.
     *
     * @throws InvalidProtocolBufferException when the body is not a valid export (as protobuf says)
     */
    static OtlpSpanMapper.Mapped map(byte[] body, AttributeLimits limits) throws InvalidProtocolBufferException {
        try {
            return new OtlpTraceDecoder(body, limits).request();
        } catch (NotHandled e) {
            return OtlpSpanMapper.map(ExportTraceServiceRequest.parseFrom(body), limits);
        }
    }

    /** For tests: the fast path alone, or {@link NotHandled}. */
    static OtlpSpanMapper.Mapped decodeOnly(byte[] body, AttributeLimits limits) {
        return new OtlpTraceDecoder(body, limits).request();
    }

    /** The body is not in the shape this decoder reads; the generated parser takes over. */
    static final class NotHandled extends RuntimeException {
        private static final NotHandled INSTANCE = new NotHandled();

        private NotHandled() {
            super("not handled by the fast OTLP decoder", null, false, false);
        }
    }

    private static NotHandled notHandled() {
        return NotHandled.INSTANCE;
    }

    private OtlpSpanMapper.Mapped request() {
        List<Span> spans = new ArrayList<>();
        Rejections rejections = new Rejections();
        int end = buf.length;
        while (pos < end) {
            int tag = tag();
            if (tag == (1 << 3 | WIRE_LEN)) {
                resourceSpans(endOf(end), spans, rejections);
            } else {
                skipUnknown(tag, end, 1);
            }
        }
        return new OtlpSpanMapper.Mapped(new SpanBatch(spans), rejections.count, rejections.first, limiter.report());
    }

    private static final class Rejections {
        long count;
        String first = "";
    }

    private void resourceSpans(int end, List<Span> spans, Rejections rejections) {
        Resource resource = null;
        boolean scopesSeen = false;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> {
                    // after scope_spans, or twice (protobuf merges): not the usual shape
                    if (resource != null || scopesSeen) {
                        throw notHandled();
                    }
                    resource = resource(endOf(end));
                }
                case 2 << 3 | WIRE_LEN -> {
                    if (resource == null) {
                        resource = emptyResource();
                    }
                    scopesSeen = true;
                    scopeSpans(endOf(end), resource, spans, rejections);
                }
                case 3 << 3 | WIRE_LEN -> string(length(end));
                default -> skipUnknown(tag, end, 3);
            }
        }
        if (resource == null) {
            emptyResource();
        }
        expectEnd(end);
    }

    /** What the mapper makes of an absent resource: it still runs the limiter over no attributes. */
    private Resource emptyResource() {
        AttributeLimiter.Limited a = limiter.apply(List.of());
        return new Resource(a.attributes(), a.dropped());
    }

    private Resource resource(int end) {
        Kvs attributes = new Kvs();
        int dropped = 0;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> attributes.add(this, length(end));
                case 2 << 3 | WIRE_VARINT -> dropped = (int) varint();
                default -> skipUnknown(tag, end, 3);
            }
        }
        expectEnd(end);
        AttributeLimiter.Limited a = attributes.limited(this);
        return new Resource(a.attributes(), dropped + a.dropped());
    }

    private void scopeSpans(int end, Resource resource, List<Span> spans, Rejections rejections) {
        InstrumentationScope scope = null;
        boolean spansSeen = false;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> {
                    if (scope != null || spansSeen) {
                        throw notHandled();
                    }
                    scope = scope(endOf(end));
                }
                case 2 << 3 | WIRE_LEN -> {
                    if (scope == null) {
                        scope = scope(pos);
                    }
                    spansSeen = true;
                    span(endOf(end), resource, scope, spans, rejections);
                }
                case 3 << 3 | WIRE_LEN -> string(length(end));
                default -> skipUnknown(tag, end, 3);
            }
        }
        if (scope == null) {
            scope(pos);
        }
        expectEnd(end);
    }

    private InstrumentationScope scope(int end) {
        String name = "";
        String version = "";
        Kvs attributes = new Kvs();
        int dropped = 0;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> name = string(length(end));
                case 2 << 3 | WIRE_LEN -> version = string(length(end));
                case 3 << 3 | WIRE_LEN -> attributes.add(this, length(end));
                case 4 << 3 | WIRE_VARINT -> dropped = (int) varint();
                default -> skipUnknown(tag, end, 4);
            }
        }
        expectEnd(end);
        AttributeLimiter.Limited a = attributes.limited(this);
        return new InstrumentationScope(name, version, a.attributes(), dropped + a.dropped());
    }

    /**
     * One span: a first pass notes where its fields are, then the span is built in the mapper's
     * order (ids checked before the attributes are counted against the limits), so a rejected span
     * counts exactly what the mapper would count.
     */
    private void span(int end, Resource resource, InstrumentationScope scope, List<Span> spans, Rejections rejections) {
        long traceId = 0;
        long spanId = 0;
        long parent = 0;
        String traceState = "";
        String name = "";
        int kind = 0;
        long startTime = 0;
        long endTime = 0;
        Kvs attributes = new Kvs();
        int droppedAttributes = 0;
        int[] events = null;
        int eventCount = 0;
        int droppedEvents = 0;
        int[] links = null;
        int linkCount = 0;
        int droppedLinks = 0;
        int statusAt = -1;
        int statusEnd = -1;
        int flags = 0;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> traceId = range(end);
                case 2 << 3 | WIRE_LEN -> spanId = range(end);
                case 3 << 3 | WIRE_LEN -> traceState = string(length(end));
                case 4 << 3 | WIRE_LEN -> parent = range(end);
                case 5 << 3 | WIRE_LEN -> name = string(length(end));
                case 6 << 3 | WIRE_VARINT -> kind = (int) varint();
                case 7 << 3 | WIRE_FIXED64 -> startTime = fixed64(end);
                case 8 << 3 | WIRE_FIXED64 -> endTime = fixed64(end);
                case 9 << 3 | WIRE_LEN -> attributes.note(this, length(end));
                case 10 << 3 | WIRE_VARINT -> droppedAttributes = (int) varint();
                case 11 << 3 | WIRE_LEN -> {
                    events = noteRange(events, eventCount++, length(end));
                }
                case 12 << 3 | WIRE_VARINT -> droppedEvents = (int) varint();
                case 13 << 3 | WIRE_LEN -> {
                    links = noteRange(links, linkCount++, length(end));
                }
                case 14 << 3 | WIRE_VARINT -> droppedLinks = (int) varint();
                case 15 << 3 | WIRE_LEN -> {
                    if (statusAt >= 0) {
                        throw notHandled();
                    }
                    int len = length(end);
                    statusAt = pos;
                    statusEnd = pos + len;
                    pos = statusEnd;
                }
                case 16 << 3 | WIRE_FIXED32 -> flags = fixed32(end);
                default -> skipUnknown(tag, end, 16);
            }
        }
        expectEnd(end);
        try {
            SpanBuilder b = Span.builder(traceId(traceId), spanId(spanId, "span_id"));
            if (rangeLength(parent) != 0) {
                b.parent(spanId(parent, "parent_span_id"));
            }
            AttributeLimiter.Limited a = attributes.limitedFromNotes(this);
            SpanStatus status = statusAt < 0 ? new SpanStatus(StatusCode.fromNumber(0), "") : status(statusAt, statusEnd);
            b.traceState(traceState)
                    .name(name)
                    .kind(SpanKind.fromNumber(kind))
                    .start(startTime)
                    .end(endTime)
                    .attributes(a.attributes())
                    .droppedAttributes(droppedAttributes + a.dropped())
                    .droppedEvents(droppedEvents)
                    .droppedLinks(droppedLinks)
                    .status(status)
                    .resource(resource)
                    .scope(scope)
                    .flags(flags);
            for (int i = 0; i < eventCount; i++) {
                b.addEvent(event(events[2 * i], events[2 * i + 1]));
            }
            for (int i = 0; i < linkCount; i++) {
                b.addLink(link(links[2 * i], links[2 * i + 1]));
            }
            spans.add(b.build());
        } catch (InvalidTelemetryException e) {
            rejections.count++;
            if (rejections.first.isEmpty()) {
                rejections.first = "span '" + name + "': " + e.getMessage();
            }
            validateParts(attributes, events, eventCount, links, linkCount, statusAt, statusEnd);
        } finally {
            pos = end;
        }
    }

    /**
     * Reads the parts of a rejected span the build did not reach, only to find malformed bytes, as
     * protobuf would; a throwaway limiter keeps the request's counts as the mapper leaves them.
     */
    private void validateParts(Kvs attributes, int[] events, int eventCount, int[] links, int linkCount, int statusAt,
                               int statusEnd) {
        AttributeLimiter counting = limiter;
        limiter = new AttributeLimiter(AttributeLimits.DEFAULT);
        try {
            attributes.limitedFromNotes(this);
            for (int i = 0; i < eventCount; i++) {
                event(events[2 * i], events[2 * i + 1]);
            }
            for (int i = 0; i < linkCount; i++) {
                linkFields(links[2 * i], links[2 * i + 1]);
            }
            if (statusAt >= 0) {
                status(statusAt, statusEnd);
            }
        } finally {
            limiter = counting;
        }
    }

    /** Notes where the {@code index}th occurrence of a repeated field is, (start, end) at 2 × index, and skips it. */
    private int[] noteRange(int[] ranges, int index, int len) {
        if (ranges == null) {
            ranges = new int[8];
        } else if (2 * index + 1 >= ranges.length) {
            ranges = Arrays.copyOf(ranges, ranges.length * 2);
        }
        ranges[2 * index] = pos;
        ranges[2 * index + 1] = pos + len;
        pos += len;
        return ranges;
    }

    private SpanStatus status(int start, int end) {
        int saved = pos;
        pos = start;
        String message = "";
        int code = 0;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 2 << 3 | WIRE_LEN -> message = string(length(end));
                case 3 << 3 | WIRE_VARINT -> code = (int) varint();
                default -> skipUnknown(tag, end, 3);
            }
        }
        expectEnd(end);
        pos = saved;
        return new SpanStatus(StatusCode.fromNumber(code), message);
    }

    private SpanEvent event(int start, int end) {
        int saved = pos;
        pos = start;
        long time = 0;
        String name = "";
        Kvs attributes = new Kvs();
        int dropped = 0;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_FIXED64 -> time = fixed64(end);
                case 2 << 3 | WIRE_LEN -> name = string(length(end));
                case 3 << 3 | WIRE_LEN -> attributes.add(this, length(end));
                case 4 << 3 | WIRE_VARINT -> dropped = (int) varint();
                default -> skipUnknown(tag, end, 4);
            }
        }
        expectEnd(end);
        pos = saved;
        AttributeLimiter.Limited a = attributes.limited(this);
        return new SpanEvent(time, name, a.attributes(), dropped + a.dropped());
    }

    private record LinkFields(long traceId, long spanId, String traceState, AttributeLimiter.Limited attributes,
                              int dropped) {
    }

    private SpanLink link(int start, int end) {
        LinkFields f = linkFields(start, end);
        // the mapper converts a link's attributes before it checks the link's ids
        return new SpanLink(traceIdOf(f.traceId, "link trace_id"), spanId(f.spanId, "link span_id"), f.traceState,
                f.attributes.attributes(),
                f.dropped + f.attributes.dropped());
    }

    private LinkFields linkFields(int start, int end) {
        int saved = pos;
        pos = start;
        long traceId = 0;
        long spanId = 0;
        String traceState = "";
        Kvs attributes = new Kvs();
        int dropped = 0;
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> traceId = range(end);
                case 2 << 3 | WIRE_LEN -> spanId = range(end);
                case 3 << 3 | WIRE_LEN -> traceState = string(length(end));
                case 4 << 3 | WIRE_LEN -> attributes.add(this, length(end));
                case 5 << 3 | WIRE_VARINT -> dropped = (int) varint();
                case 6 << 3 | WIRE_FIXED32 -> fixed32(end);
                default -> skipUnknown(tag, end, 6);
            }
        }
        expectEnd(end);
        pos = saved;
        return new LinkFields(traceId, spanId, traceState, attributes.limited(this), dropped);
    }

    /** A bytes field's place, as its offset (high half) and length (low half); 0 is an absent field. */
    private long range(int end) {
        int len = length(end);
        long range = (long) pos << 32 | len;
        pos += len;
        return range;
    }

    private static int rangeLength(long range) {
        return (int) range;
    }

    private byte[] rangeBytes(long range) {
        int at = (int) (range >>> 32);
        return Arrays.copyOfRange(buf, at, at + rangeLength(range));
    }

    /** Consecutive spans of a trace share one id, as the mapper's do. */
    private TraceId traceId(long range) {
        if (rangeLength(range) == TraceId.BYTES && lastTraceId != null) {
            int at = (int) (range >>> 32);
            int last = (int) (lastTraceIdRange >>> 32);
            if (Arrays.equals(buf, at, at + TraceId.BYTES, buf, last, last + TraceId.BYTES)) {
                return lastTraceId;
            }
        }
        TraceId id = traceIdOf(range, "trace_id");
        lastTraceIdRange = range;
        lastTraceId = id;
        return id;
    }

    private TraceId traceIdOf(long range, String field) {
        if (rangeLength(range) != TraceId.BYTES) {
            throw new InvalidTelemetryException(field + " must be 16 bytes, got " + rangeLength(range));
        }
        return TraceId.fromBytes(rangeBytes(range));
    }

    private SpanId spanId(long range, String field) {
        if (rangeLength(range) != SpanId.BYTES) {
            throw new InvalidTelemetryException(field + " must be 8 bytes, got " + rangeLength(range));
        }
        return SpanId.fromBytes(rangeBytes(range));
    }

    /**
     * A repeated {@code KeyValue} field: converted as read (where nothing can reject the element
     * first), or noted and converted later (a span's, after its ids are checked).
     */
    private static final class Kvs {
        private Attributes.Builder map;
        private int count;
        private int truncated;
        private int[] notes;
        private int noted;

        void add(OtlpTraceDecoder d, int len) {
            int end = d.pos + len;
            if (map == null) {
                map = Attributes.builder(Math.max(noted, 4));
            }
            // beyond the count limit an attribute is still read (protobuf would reject it if
            // malformed), but not kept
            if (d.attribute(end, map, count++ >= d.limiter.maxAttributes())) {
                truncated++;
            }
        }

        void note(OtlpTraceDecoder d, int len) {
            notes = d.noteRange(notes, noted++, len);
        }

        /** Converts the noted attributes; may run twice (again to validate a rejected span). */
        AttributeLimiter.Limited limitedFromNotes(OtlpTraceDecoder d) {
            map = null;
            count = 0;
            truncated = 0;
            int saved = d.pos;
            for (int i = 0; i < noted; i++) {
                d.pos = notes[2 * i];
                add(d, notes[2 * i + 1] - notes[2 * i]);
            }
            d.pos = saved;
            return limited(d);
        }

        AttributeLimiter.Limited limited(OtlpTraceDecoder d) {
            if (count == 0) {
                return d.limiter.apply(List.of());
            }
            int keep = Math.min(count, d.limiter.maxAttributes());
            return d.limiter.limited(map, count - keep, truncated);
        }
    }

    /**
     * One {@code KeyValue} into {@code map} (unless {@code discard}).
     *
     * @return whether its value was cut to the limits
     */
    private boolean attribute(int end, Attributes.Builder map, boolean discard) {
        String key = "";
        AttributeValue value = null;
        boolean[] cut = {false};
        while (pos < end) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> key = string(length(end));
                case 2 << 3 | WIRE_LEN -> {
                    if (value != null) {
                        throw notHandled();
                    }
                    value = value(endOf(end), cut, 0);
                }
                default -> skipUnknown(tag, end, 3);
            }
        }
        expectEnd(end);
        if (discard) {
            return false;
        }
        map.put(key, value == null ? new AttributeValue.StringValue("") : value);
        return cut[0];
    }

    /** An {@code AnyValue}; an empty one is OTLP's null, kept as an empty string as the mapper does. */
    private AttributeValue value(int end, boolean[] cut, int depth) {
        if (depth > MAX_VALUE_DEPTH) {
            throw notHandled();
        }
        AttributeValue value = null;
        while (pos < end) {
            int tag = tag();
            int field = tag >>> 3;
            if (field >= 1 && field <= 8) {
                // a second member of the oneof: protobuf's last-wins-or-merge is left to protobuf
                if (value != null) {
                    throw notHandled();
                }
            }
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> value = new AttributeValue.StringValue(limiter.cut(string(length(end)), cut));
                case 2 << 3 | WIRE_VARINT -> value = new AttributeValue.BoolValue(varint() != 0);
                case 3 << 3 | WIRE_VARINT -> value = new AttributeValue.LongValue(varint());
                case 4 << 3 | WIRE_FIXED64 -> value = new AttributeValue.DoubleValue(Double.longBitsToDouble(fixed64(end)));
                case 5 << 3 | WIRE_LEN -> value = array(endOf(end), cut, depth);
                case 6 << 3 | WIRE_LEN -> value = kvlist(endOf(end), cut, depth);
                case 7 << 3 | WIRE_LEN -> {
                    int len = length(end);
                    byte[] bytes = Arrays.copyOfRange(buf, pos, pos + len);
                    pos += len;
                    value = new AttributeValue.BytesValue(limiter.cut(bytes, cut));
                }
                default -> skipUnknown(tag, end, 8);
            }
        }
        expectEnd(end);
        return value == null ? new AttributeValue.StringValue("") : value;
    }

    private AttributeValue array(int end, boolean[] cut, int depth) {
        List<AttributeValue> values = new ArrayList<>();
        int count = 0;
        while (pos < end) {
            int tag = tag();
            if (tag == (1 << 3 | WIRE_LEN)) {
                int valueEnd = endOf(end);
                // nested lists obey the count limit too, or one attribute could smuggle in 100k values
                AttributeValue v = value(valueEnd, cut, depth + 1);
                if (count++ < limiter.maxAttributes()) {
                    values.add(v);
                }
            } else {
                skipUnknown(tag, end, 1);
            }
        }
        expectEnd(end);
        if (count > limiter.maxAttributes()) {
            cut[0] = true;
        }
        return new AttributeValue.ArrayValue(values);
    }

    private AttributeValue kvlist(int end, boolean[] cut, int depth) {
        Attributes.Builder map = Attributes.builder();
        int count = 0;
        while (pos < end) {
            int tag = tag();
            if (tag == (1 << 3 | WIRE_LEN)) {
                int entryEnd = endOf(end);
                if (depth + 1 > MAX_VALUE_DEPTH) {
                    throw notHandled();
                }
                String key = "";
                AttributeValue value = null;
                while (pos < entryEnd) {
                    int t = tag();
                    switch (t) {
                        case 1 << 3 | WIRE_LEN -> key = string(length(entryEnd));
                        case 2 << 3 | WIRE_LEN -> {
                            if (value != null) {
                                throw notHandled();
                            }
                            value = value(endOf(entryEnd), cut, depth + 1);
                        }
                        default -> skipUnknown(t, entryEnd, 3);
                    }
                }
                expectEnd(entryEnd);
                if (count++ < limiter.maxAttributes()) {
                    map.put(key, value == null ? new AttributeValue.StringValue("") : value);
                }
            } else {
                skipUnknown(tag, end, 1);
            }
        }
        expectEnd(end);
        if (count > limiter.maxAttributes()) {
            cut[0] = true;
        }
        return new AttributeValue.MapValue(map.build());
    }

    // ---- wire format

    private int tag() {
        long t = varint();
        if ((t >>> 3) == 0 || t > 0xFFFF_FFFFL) {
            throw notHandled();
        }
        return (int) t;
    }

    private long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= buf.length) {
                throw notHandled();
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw notHandled();
    }

    private int length(int end) {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw notHandled();
        }
        return (int) len;
    }

    /** Reads a length and returns where the nested message it announces ends. */
    private int endOf(int end) {
        int len = length(end);
        return pos + len;
    }

    private long fixed64(int end) {
        if (end - pos < 8) {
            throw notHandled();
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    private int fixed32(int end) {
        if (end - pos < 4) {
            throw notHandled();
        }
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** A message's fields must end exactly where its length said. */
    private void expectEnd(int end) {
        if (pos != end) {
            throw notHandled();
        }
    }

    /**
     * Skips a field this decoder does not read, as protobuf keeps it as an unknown field. A field
     * number the schema knows (up to {@code highestKnown}) with another wire type, or a group, is
     * left to protobuf.
     */
    private void skipUnknown(int tag, int end, int highestKnown) {
        if ((tag >>> 3) <= highestKnown) {
            throw notHandled();
        }
        switch (tag & 7) {
            case WIRE_VARINT -> varint();
            case WIRE_FIXED64 -> fixed64(end);
            case WIRE_LEN -> pos = endOf(end);
            case WIRE_FIXED32 -> fixed32(end);
            default -> throw notHandled();
        }
    }

    /**
     * A proto3 string: protobuf rejects invalid UTF-8, so a decoded replacement character is
     * checked against the strict decoder.
     */
    private String string(int len) {
        int start = pos;
        pos += len;
        if (len == 0) {
            return "";
        }
        int h = len;
        boolean ascii = true;
        for (int i = start; i < start + len; i++) {
            byte b = buf[i];
            h = 31 * h + b;
            ascii &= b >= 0;
        }
        if (!ascii) {
            String s = new String(buf, start, len, StandardCharsets.UTF_8);
            if (s.indexOf('\uFFFD') >= 0 && !validUtf8(start, len)) {
                throw notHandled();
            }
            return s;
        }
        if (len > CACHE_MAX_BYTES) {
            return new String(buf, start, len, StandardCharsets.ISO_8859_1);
        }
        int slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
        String cached = cache[slot];
        if (cached != null && sameAscii(cached, start, len)) {
            return cached;
        }
        String s = new String(buf, start, len, StandardCharsets.ISO_8859_1);
        cache[slot] = s;
        return s;
    }

    private boolean sameAscii(String s, int start, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != buf[start + i]) {
                return false;
            }
        }
        return true;
    }

    private boolean validUtf8(int start, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(buf, start, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
