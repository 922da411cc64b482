package dev.tta.obs.domain;

import java.util.concurrent.atomic.AtomicLong;

/** Test-data builders: {@code span("chat").attr("k", v).child(...)} without ids by hand. */
public final class TestSpans {
    public static final TraceId TRACE = TraceId.of("0af7651916cd43dd8448eb211c80319c");
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private TestSpans() {
    }

    public static SpanId newSpanId() {
        return SpanId.of(String.format("%016x", NEXT_ID.getAndIncrement()));
    }

    public static Draft span(String name) {
        return new Draft(name);
    }

    public static final class Draft {
        private final SpanBuilder builder;
        private final Attributes.Builder attributes = Attributes.builder();
        private final SpanId id = newSpanId();

        Draft(String name) {
            builder = Span.builder(TRACE, id).name(name).start(1_000).end(2_000);
        }

        public SpanId id() {
            return id;
        }

        public Draft parent(Span parent) {
            builder.parent(parent.spanId());
            return this;
        }

        public Draft parent(SpanId parent) {
            builder.parent(parent);
            return this;
        }

        public Draft attr(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        public Draft attr(String key, long value) {
            attributes.put(key, value);
            return this;
        }

        public Draft attr(String key, double value) {
            attributes.put(key, value);
            return this;
        }

        public Draft attr(String key, boolean value) {
            attributes.put(key, value);
            return this;
        }

        public Draft time(long start, long end) {
            builder.start(start).end(end);
            return this;
        }

        public Draft error(String message) {
            builder.status(StatusCode.ERROR, message);
            return this;
        }

        public Draft event(String name, Attributes eventAttributes) {
            builder.addEvent(new SpanEvent(1_500, name, eventAttributes, 0));
            return this;
        }

        public Draft service(String service) {
            builder.resource(new Resource(Attributes.builder().put(Resource.SERVICE_NAME, service).build(), 0));
            return this;
        }

        public Span build() {
            return builder.attributes(attributes.build()).build();
        }
    }
}
