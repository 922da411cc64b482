package dev.tta.obs.bench;

import dev.tta.obs.adapters.jdbc.EncodedChunk;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.adapters.jdbc.SearchTerms;
import dev.tta.obs.adapters.jdbc.SpanCodec;
import dev.tta.obs.adapters.jdbc.SummaryCodec;
import dev.tta.obs.adapters.otlp.OtlpExports;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.SpanClassifier;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a request thread does per span before the writer sees it, stage by stage, on the load
 * generator's spans (one 500-span export of 10-span traces with 10 attributes): the protobuf
 * decoding, then the SQLite store's {@code prepare} as a whole and its parts (summary with
 * classification and rollups, span encoding, search terms). Scores are per span. The load
 * generator measures the server as a whole; this shows which stage a change moved, with far less
 * noise than a million-span run on a shared two-core VM.
 *
 * <pre>bench/jmh.sh IngestPathBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(IngestPathBench.SPANS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms256m", "-Xmx512m"})
public class IngestPathBench {
    static final int SPANS = 500;

    private byte[] body;
    private OtlpExports exports;
    private SpanBatch batch;
    private List<List<Span>> traces;
    private List<TraceSummary> summaries;
    private TraceAssembler assembler;
    private Path dir;
    private SqliteTraceStore store;
    private TraceIngest<EncodedChunk> ingest;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        body = LoadGenerator.request(7, SPANS, 10, 10, new ArrayList<>(), 0);
        exports = IngestPathRunner.decoderOnly();
        batch = exports.decodeTraces(body).batch();
        assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));
        Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
        for (Span s : batch.spans()) {
            byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
        }
        traces = new ArrayList<>(byTrace.values());
        summaries = new ArrayList<>();
        for (List<Span> t : traces) {
            summaries.add(assembler.summarize(t.get(0).traceId(), t));
        }
        dir = Files.createTempDirectory("tta-obs-jmh");
        store = SqliteTraceStore.open(dir.resolve("tta-obs.sqlite"), assembler);
        ingest = TraceIngest.of(store, assembler, WallClock.system());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Protobuf bytes to domain spans, with the receiver's attribute limits. */
    @Benchmark
    public Object decode() throws Exception {
        return exports.decodeTraces(body);
    }

    /** Everything the core and the SQLite store do on the request thread. */
    @Benchmark
    public Object prepare() {
        return ingest.prepare(batch);
    }

    /** A trace's summary: times, services, classification of every span and the workflow rollup. */
    @Benchmark
    public void summarize(Blackhole bh) {
        for (List<Span> t : traces) {
            bh.consume(assembler.summarize(t.get(0).traceId(), t));
        }
    }

    /** Classification alone, which the rollup does once per span. */
    @Benchmark
    public void classify(Blackhole bh) {
        for (Span s : batch.spans()) {
            bh.consume(SpanClassifier.classify(s));
        }
    }

    @Benchmark
    public void encode(Blackhole bh) {
        for (int i = 0; i < traces.size(); i++) {
            bh.consume(SpanCodec.encode(traces.get(i)));
            bh.consume(SummaryCodec.encode(summaries.get(i)));
        }
    }

    /** A chunk's search terms, rendered as the SQLite index row. */
    @Benchmark
    public void searchTerms(Blackhole bh) {
        for (int i = 0; i < traces.size(); i++) {
            bh.consume(SearchTerms.forChunk(traces.get(i), summaries.get(i).rollup().primitiveTypes()).text('x'));
        }
    }
}
