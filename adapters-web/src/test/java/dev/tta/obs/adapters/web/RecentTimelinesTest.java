package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.ports.in.TraceTimeline;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RecentTimelinesTest {
    private static final TraceId TRACE = TraceId.of("0af7651916cd43dd8448eb211c80319c");
    private static final SpanId ROOT = SpanId.of("00000000000000a1");
    private static final SpanId LATE = SpanId.of("00000000000000a2");

    private final AtomicInteger loads = new AtomicInteger();
    private final List<Span> stored = new ArrayList<>(List.of(span(ROOT, null)));

    private static Span span(SpanId id, SpanId parent) {
        var b = Span.builder(TRACE, id).name("s" + id.hex()).start(1_000).end(2_000);
        return (parent == null ? b : b.parent(parent)).build();
    }

    private Optional<TraceTimeline> load(TraceId id) {
        loads.incrementAndGet();
        return Optional.of(TraceTimeline.of(new TraceAssembler(spans -> WorkflowRollup.EMPTY).assemble(id, stored)));
    }

    @Test
    void theSpansAfterATimeline_comeFromItsLayout_aSpanItLacksFromTheStore() {
        RecentTimelines recent = new RecentTimelines();
        recent.put(load(TRACE).orElseThrow());
        assertThat(recent.holding(TRACE, ROOT, this::load)).isPresent();
        assertThat(loads).hasValue(1);

        // a span that arrived after the timeline was loaded
        stored.add(span(LATE, ROOT));
        assertThat(recent.holding(TRACE, LATE, this::load).flatMap(t -> t.span(LATE))).isPresent();
        assertThat(loads).hasValue(2);
        assertThat(recent.holding(TRACE, LATE, this::load)).isPresent();
        assertThat(loads).as("the new layout is remembered").hasValue(2);
    }

    @Test
    void aForgottenTrace_isLoadedAgain() {
        RecentTimelines recent = new RecentTimelines();
        recent.put(load(TRACE).orElseThrow());
        recent.forget(TRACE);
        stored.clear();
        assertThat(recent.holding(TRACE, ROOT, id -> {
            loads.incrementAndGet();
            return Optional.empty();
        })).isEmpty();
        assertThat(loads).hasValue(2);
    }
}
