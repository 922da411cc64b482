package dev.tta.obs.ports.contract;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.out.SpanSink;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
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
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.WorkflowRollupCalculator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Deterministic test data: the same ids and times on every run, so failures reproduce. */
public final class Fixtures {
    /** 2026-01-01T00:00:00Z, so times look real in failure messages. */
    public static final long T0 = 1_767_225_600_000_000_000L;
    public static final long MS = 1_000_000L;

    private Fixtures() {
    }

    public static TraceId traceId(int n) {
        return TraceId.of(String.format("%032x", 0x1000L + n));
    }

    public static SpanId spanId(int n) {
        return SpanId.of(String.format("%016x", 0x100L + n));
    }

    public static Resource resource(String service) {
        return new Resource(Attributes.builder().put("service.name", service).put("host.name", "dev-box").build(), 0);
    }

    public static SpanBuilder span(int trace, int span, Integer parent, String name) {
        SpanBuilder b = Span.builder(traceId(trace), spanId(span))
                .name(name)
                .kind(SpanKind.INTERNAL)
                .start(T0 + trace * 1000 * MS + span * MS)
                .end(T0 + trace * 1000 * MS + span * MS + 10 * MS)
                .resource(resource("checkout"))
                .scope(new InstrumentationScope("tta.dev", "1.0", Attributes.empty(), 0));
        if (parent != null) {
            b.parent(spanId(parent));
        }
        return b;
    }

    /** A trace of {@code size} spans: a root and a chain of children under it. */
    public static List<Span> trace(int trace, int size, String rootName) {
        List<Span> spans = new ArrayList<>();
        spans.add(span(trace, 0, null, rootName).end(T0 + trace * 1000 * MS + (size + 20) * MS).build());
        for (int i = 1; i < size; i++) {
            spans.add(span(trace, i, i - 1, "step-" + i).build());
        }
        return spans;
    }

    /** Every attribute value type OpenTelemetry has, nested too. */
    public static Attributes everyType() {
        Attributes inner = Attributes.builder().put("k", "v").put("n", 7L).build();
        return Attributes.builder()
                .put("str", "hello ✓ <b>")
                .put("bool", true)
                .put("long", Long.MAX_VALUE)
                .put("negative", -42L)
                .put("double", 3.25)
                .put("bytes", new AttributeValue.BytesValue(new byte[] {0, 1, (byte) 0xff}))
                .put("array", new AttributeValue.ArrayValue(List.of(AttributeValue.of("a"), AttributeValue.of(2L))))
                .put("map", new AttributeValue.MapValue(inner))
                .put("empty", "")
                .build();
    }

    /** A span that uses every field of the model. */
    public static Span fullSpan(int trace) {
        return span(trace, 1, 0, "llm.call")
                .kind(SpanKind.CLIENT)
                .traceState("vendor=x")
                .attributes(everyType())
                .droppedAttributes(3)
                .addEvent(new SpanEvent(T0 + 5 * MS, "exception", Attributes.builder()
                        .put("exception.type", "java.lang.IllegalStateException")
                        .put("exception.message", "boom")
                        .put("exception.stacktrace", "java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)")
                        .build(), 1))
                .droppedEvents(2)
                .addLink(new SpanLink(traceId(99), spanId(98), "l=1",
                        Attributes.builder().put("link.kind", "batch").build(), 0))
                .droppedLinks(1)
                .status(StatusCode.ERROR, "model timed out")
                .resource(new Resource(Attributes.builder().put("service.name", "agent")
                        .put("deployment.environment", "dev").build(), 4))
                .scope(new InstrumentationScope("openinference", "0.9", Attributes.builder().put("s", 1L).build(), 0))
                .flags(1)
                .build();
    }

    /** How often {@link #ROLLUPS} ran on this thread: a read that should use a stored summary runs it never. */
    private static final ThreadLocal<long[]> ROLLUP_RUNS = ThreadLocal.withInitial(() -> new long[1]);

    public static long rollupRunsOnThisThread() {
        return ROLLUP_RUNS.get()[0];
    }

    /**
     * A stand-in for the domain's rollup rules, so the suite can test the filters and numbers that
     * depend on them: a span's {@code test.primitive} names a primitive type, {@code test.cost_usd}
     * is an LLM call's cost, {@code test.llm=true} an unpriced LLM call, {@code test.input_tokens} and
     * {@code test.output_tokens} its tokens; {@code session.id} and {@code user.id} name the session
     * and the user (a root's first, as the real rules do).
     */
    public static final WorkflowRollupCalculator ROLLUPS = spans -> {
        ROLLUP_RUNS.get()[0]++;
        java.util.TreeSet<String> types = new java.util.TreeSet<>();
        int llm = 0;
        double cost = 0;
        boolean priced = false;
        long in = 0;
        long out = 0;
        java.util.Optional<String> session = java.util.Optional.empty();
        java.util.Optional<String> user = java.util.Optional.empty();
        List<Span> rootsFirst = new ArrayList<>(spans);
        rootsFirst.sort(java.util.Comparator.comparing((Span s) -> s.parentSpanId().isPresent())
                .thenComparing(Span::spanId));
        for (Span s : rootsFirst) {
            session = session.or(() -> s.attributes().getString("session.id"));
            user = user.or(() -> s.attributes().getString("user.id"));
        }
        for (Span s : spans) {
            in += s.attributes().getLong("test.input_tokens").orElse(0L);
            out += s.attributes().getLong("test.output_tokens").orElse(0L);
            s.attributes().getString("test.primitive").ifPresent(types::add);
            if (s.attributes().getDouble("test.cost_usd").isPresent()) {
                llm++;
                priced = true;
                cost += s.attributes().getDouble("test.cost_usd").get();
            } else if (s.attributes().getBoolean("test.llm").orElse(false)) {
                llm++;
            }
        }
        dev.tta.obs.domain.cost.CostStatus status = llm == 0 ? dev.tta.obs.domain.cost.CostStatus.NONE
                : priced ? dev.tta.obs.domain.cost.CostStatus.REPORTED : dev.tta.obs.domain.cost.CostStatus.UNPRICED;
        return new WorkflowRollup(List.copyOf(types), 0, 0, 0, 0, 0, 0, 0, llm, in, out, 0, 0,
                priced ? java.util.Optional.of(cost) : java.util.Optional.empty(), status, List.of(), List.of(),
                java.util.Optional.empty(), java.util.Optional.empty(), session, user);
    };

    public static Map<String, AttributeValue> map(Attributes a) {
        return a.asMap();
    }

    /** The core's ingest in front of {@code store}, stamping arrival from the system clock: for tests that write directly. */
    public static TraceIngest<?> ingestInto(SpanSink<?> store) {
        return ingestInto(store, new TraceAssembler(ROLLUPS));
    }

    public static TraceIngest<?> ingestInto(SpanSink<?> store, TraceAssembler assembler) {
        return TraceIngest.of(store, assembler, WallClock.system());
    }
}
