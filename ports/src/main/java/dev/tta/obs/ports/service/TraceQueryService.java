package dev.tta.obs.ports.service;

import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.regression.BaselineKey;
import dev.tta.obs.domain.regression.RegressionDetector;
import dev.tta.obs.domain.regression.RegressionReport;
import dev.tta.obs.domain.regression.RegressionThresholds;
import dev.tta.obs.domain.regression.RunProfile;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.in.ForgetTraces;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.domain.query.LlmCallPage;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallTotals;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.query.TraceStats;
import dev.tta.obs.ports.in.TraceTimeline;
import dev.tta.obs.ports.out.TraceEraser;
import dev.tta.obs.ports.out.TraceReader;

import java.util.ArrayList;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public final class TraceQueryService implements QueryTraces, ForgetTraces, CompareRuns {
    /** Previous runs a comparison looks at: enough for a median, few enough to load quickly. */
    private static final int BASELINE_RUNS = 10;

    private final TraceReader reader;
    private final TraceEraser eraser;
    private final Clock clock;
    private final PriceTable prices;

    /**
     * @param prices the table in force now: stored summaries are repriced with it on the way out,
     *               so a trace recorded before a price change never shows a stale cost
     */
    public TraceQueryService(TraceReader reader, TraceEraser eraser, Clock clock, PriceTable prices) {
        this.reader = reader;
        this.eraser = eraser;
        this.clock = clock;
        this.prices = prices;
    }

    @Override
    public TracePage search(TraceSearch search) {
        TracePage page = reader.search(search);
        List<TraceSummary> repriced = new ArrayList<>(page.traces().size());
        for (TraceSummary s : page.traces()) {
            repriced.add(repriced(s));
        }
        return new TracePage(repriced, page.nextCursor(), page.regressions());
    }

    private TraceSummary repriced(TraceSummary s) {
        return s.rollup().modelUsage().isEmpty() ? s : s.withRollup(s.rollup().reprice(prices));
    }

    /** The stored trace, its summary priced with today's table like the list's. */
    private Optional<Trace> findTrace(TraceId traceId) {
        return reader.findTrace(traceId).map(t -> {
            TraceSummary s = repriced(t.summary());
            return s == t.summary() ? t : new Trace(s, t.spans());
        });
    }

    @Override
    public Optional<Trace> trace(TraceId traceId) {
        return findTrace(traceId);
    }

    @Override
    public Optional<TraceTimeline> timeline(TraceId traceId) {
        return findTrace(traceId).map(TraceTimeline::of);
    }

    @Override
    public LlmCallPage llmCalls(LlmCallSearch search) {
        return reader.llmCalls(search);
    }

    @Override
    public LlmCallTotals llmCallTotals(LlmCallSearch search) {
        return reader.llmCallTotals(search);
    }

    @Override
    public long traceCount() {
        return reader.traceCount();
    }

    @Override
    public TraceStats stats() {
        return reader.stats(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    @Override
    public List<String> services() {
        return reader.services();
    }

    @Override
    public List<String> operations(Optional<String> service) {
        return reader.operations(service);
    }

    @Override
    public Optional<BaselineComparison> compareWithBaseline(TraceId traceId) {
        return findTrace(traceId).map(this::compareWithBaseline);
    }

    @Override
    public BaselineComparison compareWithBaseline(Trace trace) {
        TraceSummary run = trace.summary();
        TraceId traceId = run.traceId();
        BaselineKey key = BaselineKey.of(run);
        List<TraceSummary> earlierRuns = new ArrayList<>();
        TraceSearch.Builder candidates = TraceSearch.builder().serviceName(run.serviceName())
                .startTo(run.startTimeUnixNano() - 1).limit(100);
        if (key.isRootName()) {
            // the key is service and root name, both columns: only same-workflow runs are read
            // (a run of that root that reports a workflow name has another key: leave room for some)
            candidates.rootName(run.rootName()).limit(2 * BASELINE_RUNS + 1);
        }
        TraceSearch search = candidates.build();
        for (TraceSummary candidate : reader.search(search).traces()) {
            if (earlierRuns.size() == BASELINE_RUNS) {
                break;
            }
            if (BaselineKey.of(candidate).equals(key) && !candidate.traceId().equals(traceId)) {
                earlierRuns.add(candidate);
            }
        }
        // one read for all earlier runs: a profile needs their span names, not their spans
        Map<TraceId, Map<String, Integer>> names = earlierRuns.isEmpty() ? Map.of()
                : reader.spanNameCounts(earlierRuns.stream().map(TraceSummary::traceId).toList());
        List<RunProfile> previous = new ArrayList<>();
        Optional<TraceId> mostRecent = Optional.empty();
        for (TraceSummary earlier : earlierRuns) {
            Map<String, Integer> earlierNames = names.get(earlier.traceId());
            if (earlierNames != null) {
                // priced like the run itself, with today's table
                previous.add(new RunProfile(repriced(earlier), earlierNames));
                if (mostRecent.isEmpty()) {
                    mostRecent = Optional.of(earlier.traceId());
                }
            }
        }
        RegressionReport report = RegressionDetector.compare(RunProfile.of(run, trace.spans()), previous,
                RegressionThresholds.DEFAULTS);
        return new BaselineComparison(report, mostRecent);
    }

    @Override
    public Optional<RunDiff> diff(TraceId a, TraceId b) {
        Optional<Trace> ta = findTrace(a);
        Optional<Trace> tb = ta.isEmpty() ? Optional.empty() : findTrace(b);
        if (tb.isEmpty()) {
            return Optional.empty();
        }
        List<dev.tta.obs.domain.compare.SpanMatching.Match> rows =
                dev.tta.obs.domain.compare.SpanMatching.match(ta.get().spans(), tb.get().spans());
        List<LlmCallPair> calls = new ArrayList<>();
        for (dev.tta.obs.domain.compare.SpanMatching.Match m : rows) {
            if (m.llmCall()) {
                calls.add(new LlmCallPair(m, dev.tta.obs.domain.compare.LlmCallDiff.of(m.a().get(), m.b().get())));
            }
        }
        return Optional.of(new RunDiff(ta.get(), tb.get(), rows, calls));
    }

    @Override
    public boolean forget(TraceId traceId) {
        return eraser.deleteTrace(traceId);
    }

    @Override
    public long forgetAll() {
        return eraser.deleteAll();
    }
}
