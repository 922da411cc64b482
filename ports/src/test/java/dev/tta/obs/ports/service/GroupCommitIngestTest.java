package dev.tta.obs.ports.service;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.out.SpanSink;
import dev.tta.obs.ports.out.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitIngestTest {

    /** A sink that holds its first write until released, so requests pile up behind it. */
    static final class GatedSink implements SpanSink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> groupSizes = new ArrayList<>();

        @Override
        public void write(List<? extends Prepared> batches) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (groupSizes) {
                groupSizes.add(batches.size());
            }
        }
    }

    private static SpanBatch batch(int trace, int spans) {
        return new SpanBatch(Fixtures.trace(trace, spans, "t" + trace));
    }

    @Test
    void requestsWaitingDuringACommit_areWrittenTogetherInTheNext() throws Exception {
        GatedSink sink = new GatedSink();
        try (GroupCommitIngest ingest = new GroupCommitIngest(sink, 10_000, 10_000, b -> { })) {
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
        try (GroupCommitIngest ingest = new GroupCommitIngest(sink, 10, 10_000, b -> { })) {
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
        SpanSink flaky = batches -> {
            calls.add(batches.size());
            if (calls.size() == 1) {
                throw new StoreUnavailableException("disk gone", null);
            }
        };
        try (GroupCommitIngest ingest = new GroupCommitIngest(flaky, 10_000, 10_000, b -> { })) {
            CompletableFuture<Void> failed = ingest.ingest(batch(1, 1)).toCompletableFuture();
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            ingest.ingest(batch(2, 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void close_writesWhatIsAlreadyQueued() throws Exception {
        List<Integer> written = new ArrayList<>();
        SpanSink slow = batches -> {
            synchronized (written) {
                batches.forEach(b -> written.add(b.batch().size()));
            }
        };
        CompletableFuture<Void> last;
        try (GroupCommitIngest ingest = new GroupCommitIngest(slow, 10_000, 10_000, b -> { })) {
            for (int i = 1; i < 50; i++) {
                ingest.ingest(batch(i, 1));
            }
            last = ingest.ingest(batch(50, 1)).toCompletableFuture();
        }
        assertThat(last).isCompleted();
        assertThat(written).hasSize(50);
    }
}
