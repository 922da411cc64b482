package dev.tta.obs.adapters.web;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.TraceTimeline;

import java.lang.ref.SoftReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The last few traces the dashboard opened, laid out, so that opening span after span of a big
 * trace does not load and assemble the whole trace each time. An entry is trusted for a short
 * while only (a live trace grows; depth and self time change as children arrive), a span it does
 * not hold sends the caller to the store, and the garbage collector may drop any entry. A trace
 * retention evicts meanwhile stays readable here for at most that while.
 */
final class RecentTimelines {
    static final long TRUSTED_NANOS = 30_000_000_000L;
    private static final int ENTRIES = 4;

    private record Entry(SoftReference<TraceTimeline> timeline, long loadedAt) {
    }

    private final Map<TraceId, Entry> entries = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TraceId, Entry> eldest) {
            return size() > ENTRIES;
        }
    };

    synchronized void put(TraceTimeline t) {
        entries.put(t.trace().traceId(), new Entry(new SoftReference<>(t), System.nanoTime()));
    }

    /** The remembered layout if it is fresh and holds the span, else a new one from load (remembered). */
    Optional<TraceTimeline> holding(TraceId id, SpanId span, Function<TraceId, Optional<TraceTimeline>> load) {
        Optional<TraceTimeline> recent = fresh(id).filter(t -> t.span(span).isPresent());
        if (recent.isPresent()) {
            return recent;
        }
        Optional<TraceTimeline> loaded = load.apply(id);
        loaded.ifPresent(this::put);
        return loaded;
    }

    private synchronized Optional<TraceTimeline> fresh(TraceId id) {
        Entry e = entries.get(id);
        if (e == null || System.nanoTime() - e.loadedAt() > TRUSTED_NANOS) {
            return Optional.empty();
        }
        return Optional.ofNullable(e.timeline().get());
    }

    /** A trace deleted must not be served from here. */
    synchronized void forget(TraceId id) {
        entries.remove(id);
    }

    synchronized void forgetAll() {
        entries.clear();
    }
}
