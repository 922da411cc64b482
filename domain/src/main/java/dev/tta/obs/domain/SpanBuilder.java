package dev.tta.obs.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds spans in adapters and tests without a 18-argument constructor call. */
public final class SpanBuilder {
    private final TraceId traceId;
    private final SpanId spanId;
    private Optional<SpanId> parentSpanId = Optional.empty();
    private String traceState = "";
    private String name = "";
    private SpanKind kind = SpanKind.INTERNAL;
    private long start;
    private long end;
    private Attributes attributes = Attributes.empty();
    private int droppedAttributes;
    private List<SpanEvent> events = new ArrayList<>();
    private int droppedEvents;
    private List<SpanLink> links = new ArrayList<>();
    private int droppedLinks;
    private SpanStatus status = SpanStatus.UNSET;
    private Resource resource = Resource.EMPTY;
    private InstrumentationScope scope = InstrumentationScope.EMPTY;
    private int flags;

    SpanBuilder(TraceId traceId, SpanId spanId) {
        this.traceId = traceId;
        this.spanId = spanId;
    }

    SpanBuilder(Span span) {
        this(span.traceId(), span.spanId());
        parentSpanId = span.parentSpanId();
        traceState = span.traceState();
        name = span.name();
        kind = span.kind();
        start = span.startTimeUnixNano();
        end = span.endTimeUnixNano();
        attributes = span.attributes();
        droppedAttributes = span.droppedAttributesCount();
        events = new ArrayList<>(span.events());
        droppedEvents = span.droppedEventsCount();
        links = new ArrayList<>(span.links());
        droppedLinks = span.droppedLinksCount();
        status = span.status();
        resource = span.resource();
        scope = span.scope();
        flags = span.flags();
    }

    public SpanBuilder parent(SpanId parent) {
        this.parentSpanId = Optional.ofNullable(parent);
        return this;
    }

    public SpanBuilder traceState(String traceState) {
        this.traceState = traceState;
        return this;
    }

    public SpanBuilder name(String name) {
        this.name = name;
        return this;
    }

    public SpanBuilder kind(SpanKind kind) {
        this.kind = kind;
        return this;
    }

    public SpanBuilder start(long unixNanos) {
        this.start = unixNanos;
        return this;
    }

    public SpanBuilder end(long unixNanos) {
        this.end = unixNanos;
        return this;
    }

    public SpanBuilder attributes(Attributes attributes) {
        this.attributes = attributes;
        return this;
    }

    public SpanBuilder droppedAttributes(int count) {
        this.droppedAttributes = count;
        return this;
    }

    public SpanBuilder addEvent(SpanEvent event) {
        this.events.add(event);
        return this;
    }

    public SpanBuilder events(List<SpanEvent> events) {
        this.events = new ArrayList<>(events);
        return this;
    }

    public SpanBuilder droppedEvents(int count) {
        this.droppedEvents = count;
        return this;
    }

    public SpanBuilder addLink(SpanLink link) {
        this.links.add(link);
        return this;
    }

    public SpanBuilder links(List<SpanLink> links) {
        this.links = new ArrayList<>(links);
        return this;
    }

    public SpanBuilder droppedLinks(int count) {
        this.droppedLinks = count;
        return this;
    }

    public SpanBuilder status(SpanStatus status) {
        this.status = status;
        return this;
    }

    public SpanBuilder status(StatusCode code, String message) {
        return status(new SpanStatus(code, message));
    }

    public SpanBuilder resource(Resource resource) {
        this.resource = resource;
        return this;
    }

    public SpanBuilder scope(InstrumentationScope scope) {
        this.scope = scope;
        return this;
    }

    public SpanBuilder flags(int flags) {
        this.flags = flags;
        return this;
    }

    public Span build() {
        return new Span(traceId, spanId, parentSpanId, traceState, name, kind, start, end, attributes,
                droppedAttributes, events, droppedEvents, links, droppedLinks, status, resource, scope, flags);
    }
}
