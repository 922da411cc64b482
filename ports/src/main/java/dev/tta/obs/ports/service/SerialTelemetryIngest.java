package dev.tta.obs.ports.service;

import dev.tta.obs.ports.in.IngestLogs;
import dev.tta.obs.ports.in.IngestMetrics;
import dev.tta.obs.ports.out.TelemetrySink;
import dev.tta.obs.domain.telemetry.LogBatch;
import dev.tta.obs.domain.telemetry.MetricBatch;

import dev.tta.obs.domain.feedback.EvaluationEvents;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.ports.out.FeedbackStore;
import dev.tta.obs.ports.out.WallClock;

import dev.tta.obs.domain.TraceId;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One writer thread for metrics and logs, with the same promises as {@link GroupCommitIngest}
 * (both are a {@link GroupCommitQueue}): a request is answered after its commit, everything queued
 * meanwhile is committed together, and the queue is bounded in items (points plus records) so that
 * a flood is refused with a retryable error instead of filling the heap.
 */
public final class SerialTelemetryIngest implements IngestMetrics, IngestLogs, AutoCloseable {
    private final TelemetrySink sink;
    private final GroupCommitQueue<Item, Void> queue;
    private final Optional<FeedbackStore> feedback;
    private final WallClock clock;
    private final Consumer<Set<TraceId>> evaluated;

    /** One request: metrics or logs. */
    private record Item(MetricBatch metrics, LogBatch logs, int size) {
    }

    public SerialTelemetryIngest(TelemetrySink sink, long maxQueuedItems) {
        this(sink, maxQueuedItems, Optional.empty(), WallClock.system(), traces -> { });
    }

    /**
     * @param feedback where the GenAI evaluation results sent as log records
     *                 ({@code gen_ai.evaluation.result}) go as feedback, besides the log
     * @param evaluated told the traces that got such feedback, after it is stored (the live feed)
     */
    public SerialTelemetryIngest(TelemetrySink sink, long maxQueuedItems, Optional<FeedbackStore> feedback,
                                 WallClock clock, Consumer<Set<TraceId>> evaluated) {
        this.sink = sink;
        this.evaluated = evaluated;
        this.feedback = feedback;
        this.clock = clock;
        this.queue = new GroupCommitQueue<>("tta-obs-telemetry-writer", "metrics/logs queue", "items",
                maxQueuedItems, Long.MAX_VALUE, Item::size, items -> {
                    write(items);
                    return null;
                }, written -> { });
    }

    @Override
    public CompletionStage<Void> ingest(MetricBatch batch) {
        return queue.submit(new Item(batch, null, batch.size()));
    }

    @Override
    public CompletionStage<Void> ingest(LogBatch batch) {
        return queue.submit(new Item(null, batch, batch.size()));
    }

    private void write(List<Item> group) {
        List<MetricBatch> metrics = new ArrayList<>();
        List<LogBatch> logs = new ArrayList<>();
        for (Item i : group) {
            if (i.metrics() != null) {
                metrics.add(i.metrics());
            } else {
                logs.add(i.logs());
            }
        }
        // a group may be half written (metrics yes, logs no); the sink is idempotent, so the retry is safe
        if (!metrics.isEmpty()) {
            sink.appendMetrics(metrics);
        }
        if (!logs.isEmpty()) {
            sink.appendLogs(logs);
            feedback.ifPresent(f -> storeEvaluations(f, logs));
        }
    }

    private void storeEvaluations(FeedbackStore store, List<LogBatch> logs) {
        List<NewFeedback> found = new ArrayList<>();
        for (LogBatch b : logs) {
            for (LogEntry e : b.logs()) {
                if (EvaluationEvents.EVENT.equals(e.eventName()) && e.traceId().isPresent()) {
                    long time = e.timeUnixNano() != 0 ? e.timeUnixNano() : e.observedTimeUnixNano();
                    EvaluationEvents.ofLogRecord(e.traceId().get(), e.spanId(), time, e.attributes()).ifPresent(found::add);
                }
            }
        }
        if (!found.isEmpty()) {
            store.addEvaluations(found, clock.nowUnixNano());
            Set<TraceId> traces = new LinkedHashSet<>();
            found.forEach(f -> traces.add(f.traceId()));
            evaluated.accept(traces);
        }
    }

    /** Stops taking new requests, writes everything already queued, then stops the writer. */
    @Override
    public void close() {
        queue.close();
    }
}
