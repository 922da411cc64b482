package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.out.SpanSink;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.StoredTraces;
import dev.tta.obs.ports.out.TraceWrite;
import dev.tta.obs.ports.out.WallClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitIngestTest {

    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);

    /** Nothing stored yet: every trace of these tests is new. */
    static final StoredTraces EMPTY = new StoredTraces() {
        @Override
        public Map<TraceId, Optional<TraceSummary>> summaries(Collection<TraceId> ids) {
            return Map.of();
        }

        @Override
        public Map<TraceId, List<Span>> spans(Collection<TraceId> ids) {
            return Map.of();
        }
    };

    /** A sink that keeps what it is told in memory; each commit is a call of {@link #commit}. */
    abstract static class MemorySink implements SpanSink<String> {
        @Override
        public String encode(TraceId traceId, List<Span> spans, TraceSummary summary) {
            return spans.size() + " spans";
        }

        @Override
        public List<TraceWrite<String>> write(long arrivedUnixNano, WritePlan<String> plan) {
            List<TraceWrite<String>> writes = plan.against(EMPTY);
            commit(writes);
            return writes;
        }

        abstract void commit(List<TraceWrite<String>> writes);
    }

    /** A sink that holds its first write until released, so requests pile up behind it. */
    static final class GatedSink extends MemorySink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> groupSizes = new ArrayList<>();

        @Override
        void commit(List<TraceWrite<String>> writes) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (groupSizes) {
                groupSizes.add(writes.size());
            }
        }
    }

    private static GroupCommitIngest ingest(SpanSink<String> sink, long maxQueued) {
        return new GroupCommitIngest(TraceIngest.of(sink, ASSEMBLER, WallClock.system()), maxQueued, 10_000, b -> { });
    }

    private static SpanBatch batch(int trace, int spans) {
        return new SpanBatch(Fixtures.trace(trace, spans, "t" + trace));
    }

    @Test
    void requestsWaitingDuringACommit_areWrittenTogetherInTheNext() throws Exception {
        GatedSink sink = new GatedSink();
        try (GroupCommitIngest ingest = ingest(sink, 10_000)) {
            CompletableFuture<Void> first = ingest.ingest(batch(1, 2)).toCompletableFuture();
            assertThat(sink.entered.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            for (int i = 2; i <= 6; i++) {
                waiting.add(ingest.ingest(batch(i, 2)).toCompletableFuture());
            }
            assertThat(first).isNotDone();
            sink.release.countDown();
            CompletableFuture.allOf(waiting.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
            assertThat(first).isDone();
            assertThat(sink.groupSizes).containsExactly(1, 5);
        }
    }

    @Test
    void fullQueue_isRefusedAtOnceWithARetryHint_andNothingIsTakenFromThatRequest() throws Exception {
        GatedSink sink = new GatedSink();
        try (GroupCommitIngest ingest = ingest(sink, 10)) {
            ingest.ingest(batch(1, 2));
            assertThat(sink.entered.await(5, TimeUnit.SECONDS)).isTrue();
            ingest.ingest(batch(2, 8));
            assertThatThrownBy(() -> ingest.ingest(batch(3, 5)))
                    .isInstanceOf(IngestOverloadedException.class)
                    .satisfies(e -> assertThat(((IngestOverloadedException) e).retryAfterSeconds()).isPositive());
            assertThat(ingest.queuedSpans()).isEqualTo(8);
            sink.release.countDown();
        }
    }

    @Test
    void storeFailure_failsEveryRequestOfTheGroup_andTheWriterKeepsGoing() throws Exception {
        List<Integer> calls = new ArrayList<>();
        MemorySink flaky = new MemorySink() {
            @Override
            void commit(List<TraceWrite<String>> writes) {
                calls.add(writes.size());
                if (calls.size() == 1) {
                    throw new StoreUnavailableException("disk gone", null);
                }
            }
        };
        try (GroupCommitIngest ingest = ingest(flaky, 10_000)) {
            CompletableFuture<Void> failed = ingest.ingest(batch(1, 1)).toCompletableFuture();
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            ingest.ingest(batch(2, 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void close_writesWhatIsAlreadyQueued() throws Exception {
        List<Integer> written = new ArrayList<>();
        MemorySink slow = new MemorySink() {
            @Override
            void commit(List<TraceWrite<String>> writes) {
                synchronized (written) {
                    writes.forEach(w -> written.add(w.spans().size()));
                }
            }
        };
        CompletableFuture<Void> last;
        try (GroupCommitIngest ingest = ingest(slow, 10_000)) {
            for (int i = 1; i < 50; i++) {
                ingest.ingest(batch(i, 1));
            }
            last = ingest.ingest(batch(50, 1)).toCompletableFuture();
        }
        assertThat(last).isCompleted();
        assertThat(written).hasSize(50);
    }

    @Test
    void aStoreThatTakesOverlappingWrites_commitsTwoGroupsAtOnce_andAcksEachAfterItsOwnCommit() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch bothInside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        MemorySink overlapping = new MemorySink() {
            @Override
            public int concurrentWrites() {
                return 2;
            }

            @Override
            void commit(List<TraceWrite<String>> writes) {
                firstInside.countDown();
                bothInside.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (GroupCommitIngest ingest = ingest(overlapping, 10_000)) {
            CompletableFuture<Void> first = ingest.ingest(batch(1, 2)).toCompletableFuture();
            assertThat(firstInside.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = ingest.ingest(batch(2, 2)).toCompletableFuture();
            // with one writer the second group would wait for the first commit, which waits for both
            assertThat(bothInside.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
            release.countDown();
            CompletableFuture.allOf(first, second).get(5, TimeUnit.SECONDS);
        }
    }
}
