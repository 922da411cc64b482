package dev.tta.obs.bench;

import dev.tta.obs.adapters.jdbc.EncodedChunk;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQLite store's two halves of a write, timed apart on one thread, without HTTP or protobuf:
 * {@code prepare} (what request threads do: group, summarize, encode, build search terms) and
 * {@code write} (what the single writer does: the inserts and the commit). Same spans as
 * {@link LoadGenerator}: 500-span batches of 10-span traces with 10 attributes, two batches per
 * commit.
 *
 * <pre>java -cp app/target/test-classes:$(cat app/target/bench.classpath) dev.tta.obs.bench.StoreWriteBench [batches] [rounds]</pre>
 */
public final class StoreWriteBench {
    /** Batches per commit: 2 is what two concurrent clients give the group-commit writer. */
    static final int GROUP = Integer.getInteger("group", 2);

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("tta-obs-store-bench");
            List<SpanBatch> input = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                input.add(batch(round * batches + b, 500, 10, 10));
            }
            try (SqliteTraceStore store = SqliteTraceStore.open(dir.resolve("tta-obs.sqlite"), assembler)) {
                long t0 = System.nanoTime();
                TraceIngest<EncodedChunk> ingest = TraceIngest.of(store, assembler, WallClock.system());
                List<TraceIngest.Prepared<EncodedChunk>> prepared = new ArrayList<>();
                for (SpanBatch b : input) {
                    prepared.add(ingest.prepare(b));
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < prepared.size(); i += GROUP) {
                    ingest.commit(prepared.subList(i, Math.min(i + GROUP, prepared.size())));
                }
                long t2 = System.nanoTime();
                double spans = batches * 500.0;
                System.out.printf("round %d: prepare %.2f us/span, write %.2f us/span (%.0f spans/s through the writer)%n",
                        round, (t1 - t0) / 1e3 / spans, (t2 - t1) / 1e3 / spans, spans / ((t2 - t1) / 1e9));
            }
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    static SpanBatch batch(int r, int spans, int perTrace, int attributes) {
        long now = System.currentTimeMillis() * 1_000_000L;
        Resource resource = new Resource(Attributes.builder().put("service.name", "bench-svc-" + (r % 4)).build(), 0);
        InstrumentationScope scope = new InstrumentationScope("tta.bench", "1.0", Attributes.empty(), 0);
        List<Span> out = new ArrayList<>(spans);
        SpanId parent = null;
        for (int s = 0; s < spans; s++) {
            int traceIndex = s / perTrace;
            int inTrace = s % perTrace;
            TraceId traceId = TraceId.fromBytes(LoadGenerator.traceId(r, traceIndex));
            SpanId spanId = SpanId.fromBytes(ByteBuffer.allocate(8).putInt(r + 1).putInt(s + 1).array());
            Attributes.Builder attrs = Attributes.builder();
            for (int a = 0; a < attributes; a++) {
                if (a % 2 == 0) {
                    attrs.put("attr." + a, "value-" + a + "-" + s);
                } else {
                    attrs.put("attr." + a, s * 31L + a);
                }
            }
            var b = Span.builder(traceId, spanId)
                    .name(inTrace == 0 ? "workflow-" + (traceIndex % 10) : "step-" + inTrace)
                    .kind(SpanKind.INTERNAL)
                    .start(now + inTrace * 1_000_000L).end(now + inTrace * 1_000_000L + LoadGenerator.spanNanos(r, s))
                    .resource(resource).scope(scope).attributes(attrs.build());
            if (inTrace > 0) {
                b.parent(parent);
            } else {
                parent = spanId;
            }
            if (s % 97 == 0) {
                b.status(StatusCode.ERROR, "synthetic failure");
            }
            out.add(b.build());
        }
        return new SpanBatch(out);
    }

    private StoreWriteBench() {
    }
}
