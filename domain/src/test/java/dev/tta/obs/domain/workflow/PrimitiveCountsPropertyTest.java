package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TestSpans;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.PriceTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, fallbacks and cache lookups counted from generated traces against the generator's own
 * count. The shapes vary what real emitters vary: member spans named anything, attempts numbered
 * from 0 or 1, attempts as children or as siblings inside the container's time, containers that
 * report totals or not, spans that never arrived, and primitives nested in each other. Spans are
 * dropped only where what is left still determines the truth (a retry that lost attempt spans
 * keeps its reported total or its last attempt).
 */
class PrimitiveCountsPropertyTest {
    private static final int SHAPES = 3_000;
    private static final String[] MEMBER_NAMES = {"flaky_tool.attempt", "attempt", "call", "chat gpt-4o",
        "retry.attempt_7", "step", "x", "tool.run", "cache.lookup", "lookup", "branch", "llm", "search", ""};
    private final WorkflowRollups rollups = new WorkflowRollups(PriceTable.bundled());

    @Test
    void countsMatchTheGeneratorsTruthOverManyShapes() {
        for (int seed = 0; seed < SHAPES; seed++) {
            Generator g = new Generator(new Random(seed));
            List<Span> spans = g.trace();
            WorkflowRollup r = rollups.rollup(spans);
            String shape = "seed " + seed + ": " + describe(spans);
            assertThat(r.retries()).as("retries, " + shape).isEqualTo(g.retries);
            assertThat(r.retryAttempts()).as("retry attempts, " + shape).isEqualTo(g.attempts);
            assertThat(r.fallbacksUsed()).as("fallbacks, " + shape).isEqualTo(g.fallbacks);
            assertThat(r.cacheHits()).as("cache hits, " + shape).isEqualTo(g.hits);
            assertThat(r.cacheMisses()).as("cache misses, " + shape).isEqualTo(g.misses);

            // arrival order never matters
            List<Span> shuffled = new ArrayList<>(spans);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(rollups.rollup(shuffled)).as(shape).isEqualTo(r);
        }
    }

    @Test
    void theGeneratorMakesEveryKindOfShape() {
        int retried = 0;
        int fellBack = 0;
        int cached = 0;
        for (int seed = 0; seed < SHAPES; seed++) {
            Generator g = new Generator(new Random(seed));
            g.trace();
            retried += g.retries > 0 ? 1 : 0;
            fellBack += g.fallbacks > 0 ? 1 : 0;
            cached += g.hits + g.misses > 0 ? 1 : 0;
        }
        assertThat(retried).isGreaterThan(SHAPES / 4);
        assertThat(fellBack).isGreaterThan(SHAPES / 4);
        assertThat(cached).isGreaterThan(SHAPES / 4);
    }

    private static String describe(List<Span> spans) {
        StringBuilder sb = new StringBuilder();
        for (Span s : spans) {
            sb.append("\n  ").append(s.spanId().hex()).append(" <- ")
                    .append(s.parentSpanId().map(SpanId::hex).orElse("-")).append(' ').append(s.name())
                    .append(" [").append(s.startTimeUnixNano()).append(',').append(s.endTimeUnixNano()).append("] ")
                    .append(s.attributes().asMap()).append(s.isError() ? " ERROR" : "");
        }
        return sb.toString();
    }

    /** Builds one trace and counts, as it goes, what tta-obs must find in it. */
    private static final class Generator {
        private final Random rnd;
        private final List<Span> spans = new ArrayList<>();
        int retries;
        int attempts;
        int fallbacks;
        int hits;
        int misses;

        Generator(Random rnd) {
            this.rnd = rnd;
        }

        List<Span> trace() {
            Span root = span("run").time(0, 1_000_000_000L).build();
            spans.add(root);
            operations(root.spanId(), 0, 1_000_000_000L, 0);
            return spans;
        }

        /** One to three operations side by side in {@code [start, end)}, each in its own time slot. */
        private void operations(SpanId parent, long start, long end, int depth) {
            int n = 1 + rnd.nextInt(3);
            long slot = (end - start) / n;
            for (int i = 0; i < n; i++) {
                long s = start + i * slot + slot / 10;
                long e = start + (i + 1) * slot - slot / 10;
                switch (depth >= 2 ? 3 : rnd.nextInt(4)) {
                    case 0 -> retry(parent, s, e, depth);
                    case 1 -> fallback(parent, s, e, depth);
                    case 2 -> cache(parent, s, e, depth);
                    default -> spans.add(span(name()).parent(parent).time(s, e).build());
                }
            }
        }

        private String name() {
            return MEMBER_NAMES[rnd.nextInt(MEMBER_NAMES.length)];
        }

        private TestSpans.Draft container(String primitive, SpanId parent, long s, long e) {
            TestSpans.Draft d = rnd.nextBoolean()
                    ? span(primitive + ".execute")
                    : span(name()).attr("primitive.type", primitive);
            return d.parent(parent).time(s, e);
        }

        private void retry(SpanId parent, long s, long e, int depth) {
            int made = 1 + rnd.nextInt(4);
            int base = rnd.nextInt(2);
            boolean asSiblings = rnd.nextInt(3) == 0;
            boolean reportsTotal = rnd.nextBoolean();
            boolean containerArrives = asSiblings || rnd.nextInt(5) != 0;
            TestSpans.Draft c = container("RetryPrimitive", parent, s, e).attr("retry.max_retries", 4L);
            if (reportsTotal) {
                c.attr(rnd.nextBoolean() ? "retry.final_attempts" : "retry.succeeded_on_attempt", (long) made);
            }
            if (made > 1 && rnd.nextBoolean()) {
                c.error("attempt failed");
            }
            SpanId attemptParent = asSiblings ? parent : c.id();
            long slot = (e - s) / made;
            for (int i = 0; i < made; i++) {
                int number = base + i;
                boolean last = i == made - 1;
                boolean first = i == 0;
                // a lost attempt span must leave the truth determinable: the container's total, or the
                // last attempt and (when numbered from 0) the first, which shows the numbering
                boolean mayDrop = containerArrives && reportsTotal
                        || (!last && !(first && base == 0) && containerArrives && made > 2);
                if (mayDrop && rnd.nextInt(4) == 0) {
                    continue;
                }
                long as = s + i * slot + slot / 10;
                long ae = s + (i + 1) * slot - slot / 10;
                TestSpans.Draft a = span(name()).parent(attemptParent).time(as, ae)
                        .attr(rnd.nextInt(4) == 0 ? "retry.current_attempt" : "retry.attempt", (long) number);
                if (!last) {
                    a.error("503");
                }
                Span built = a.build();
                spans.add(built);
                if (depth < 2 && rnd.nextInt(4) == 0) {
                    operations(built.spanId(), as, ae, depth + 1);
                }
            }
            if (containerArrives) {
                spans.add(c.build());
            }
            retries += made - 1;
            attempts += made;
        }

        private void fallback(SpanId parent, long s, long e, int depth) {
            int branches = 1 + rnd.nextInt(3);
            boolean marked = rnd.nextBoolean();
            boolean containerSays = rnd.nextBoolean();
            boolean containerArrives = !marked || rnd.nextInt(4) != 0;
            TestSpans.Draft c = container("FallbackPrimitive", parent, s, e);
            if (containerSays) {
                c.attr("fallback.used_fallback", branches > 1);
            }
            long slot = (e - s) / branches;
            for (int i = 0; i < branches; i++) {
                boolean last = i == branches - 1;
                // the middle of three branches may be lost: the first failed and another ran after it
                if (i == 1 && branches == 3 && containerArrives && rnd.nextInt(3) == 0) {
                    continue;
                }
                long bs = s + i * slot + slot / 10;
                long be = s + (i + 1) * slot - slot / 10;
                TestSpans.Draft b = span(name()).parent(c.id()).time(bs, be);
                if (marked) {
                    b.attr("fallback.execution", i == 0 ? "primary" : "fallback");
                }
                if (!last) {
                    b.error("429");
                }
                Span built = b.build();
                spans.add(built);
                if (depth < 2 && rnd.nextInt(4) == 0) {
                    operations(built.spanId(), bs, be, depth + 1);
                }
            }
            if (containerArrives) {
                spans.add(c.build());
            }
            if (branches > 1) {
                fallbacks++;
            }
        }

        private void cache(SpanId parent, long s, long e, int depth) {
            boolean hit = rnd.nextBoolean();
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    // the cache span reports the outcome; a lookup span inside or beside it repeats it
                    TestSpans.Draft c = container("CachePrimitive", parent, s, e).attr("cache.hit", hit);
                    long mid = s + (e - s) / 4;
                    switch (rnd.nextInt(3)) {
                        case 0 -> spans.add(span(name()).parent(c.id()).time(s + 1, mid).attr("cache.hit", hit).build());
                        case 1 -> spans.add(span(name()).parent(parent).time(s + 1, mid).attr("cache.hit", hit).build());
                        default -> {
                        }
                    }
                    computeOnMiss(hit, c.id(), mid, e, depth);
                    spans.add(c.build());
                    count(hit);
                }
                case 1 -> {
                    // only the lookups inside it say hit or miss: each one counts
                    TestSpans.Draft c = container("CachePrimitive", parent, s, e);
                    int lookups = 1 + rnd.nextInt(2);
                    long mid = s + (e - s) / 4;
                    for (int i = 0; i < lookups; i++) {
                        boolean h = rnd.nextBoolean();
                        spans.add(span(name()).parent(c.id()).time(s + 1 + i, mid).attr("cache.hit", h).build());
                        count(h);
                    }
                    spans.add(c.build());
                }
                case 2 -> {
                    // a lookup reported by a span of no declared primitive
                    spans.add(span(name()).parent(parent).time(s, e).attr("cache.hit", hit).build());
                    count(hit);
                }
                default -> {
                    // the lookup span arrived, its cache span did not
                    SpanId missing = TestSpans.newSpanId();
                    spans.add(span(name()).parent(missing).time(s, e).attr("cache.hit", hit).build());
                    count(hit);
                }
            }
        }

        /** On a miss the cache runs the wrapped work, which may hold primitives of its own. */
        private void computeOnMiss(boolean hit, SpanId cache, long s, long e, int depth) {
            if (hit || depth >= 2 || rnd.nextBoolean()) {
                return;
            }
            Span work = span(name()).parent(cache).time(s, e).build();
            spans.add(work);
            operations(work.spanId(), s, e, depth + 1);
        }

        private void count(boolean hit) {
            if (hit) {
                hits++;
            } else {
                misses++;
            }
        }
    }
}
