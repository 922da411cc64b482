package dev.tta.obs.bench;

import dev.tta.obs.adapters.otlp.OtlpExports;
import dev.tta.obs.adapters.otlp.OtlpReceiverSettings;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The request thread's share of an export, for {@link SideBySideBench}: decoding the load
 * generator's 500-span requests, and optionally preparing them for the SQLite store; or the
 * single writer's share, committing them. Preparing and committing are called by reflection, so
 * one build of this class runs against both ingest APIs: the store's own {@code prepare}/{@code write}
 * (before the ingest moved into the core) and the core's {@code TraceIngest.prepare}/{@code commit}.
 */
public final class IngestPathRunner {
    private final byte[][] requests = new byte[8][];
    private final OtlpExports exports = decoderOnly();
    private final SqliteTraceStore store;
    /** {@code prepare(SpanBatch)} and {@code commit(List)} (or the store's {@code write(List)}) on {@link #ingest}. */
    private final Object ingest;
    private final Method prepare;
    private final Method commit;
    private long sink;
    private int nextRequest = 1_000;

    public IngestPathRunner() throws Exception {
        for (int i = 0; i < requests.length; i++) {
            requests[i] = LoadGenerator.request(7 + i, 500, 10, 10, new ArrayList<>(), 0);
        }
        Path dir = Files.createTempDirectory("tta-obs-side-by-side");
        TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));
        store = SqliteTraceStore.open(dir.resolve("tta-obs.sqlite"), assembler);
        Class<?> core = coreIngest();
        if (core != null) {
            Class<?> sinkType = Class.forName("dev.tta.obs.ports.out.SpanSink");
            Class<?> clockType = Class.forName("dev.tta.obs.ports.out.WallClock");
            Object clock = Proxy.newProxyInstance(clockType.getClassLoader(), new Class<?>[] {clockType},
                    (proxy, method, args) -> method.getName().equals("nowUnixNano")
                            ? System.currentTimeMillis() * 1_000_000L : null);
            ingest = core.getMethod("of", sinkType, TraceAssembler.class, clockType).invoke(null, store, assembler, clock);
            prepare = core.getMethod("prepare", SpanBatch.class);
            commit = core.getMethod("commit", List.class);
        } else {
            ingest = store;
            prepare = store.getClass().getMethod("prepare", SpanBatch.class);
            commit = store.getClass().getMethod("write", List.class);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = Files.list(dir)) {
                store.close();
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
                Files.delete(dir);
            } catch (Exception e) {
                // a leftover temporary directory is not worth a stack trace
            }
        }));
    }

    private static Class<?> coreIngest() {
        try {
            Class<?> c = Class.forName("dev.tta.obs.ports.service.TraceIngest");
            // an older build's loader finds the newer class through its parent: that is not this build's
            return c.getClassLoader() == IngestPathRunner.class.getClassLoader() ? c : null;
        } catch (ClassNotFoundException olderBuild) {
            return null;
        }
    }

    private Object prepare(SpanBatch batch) throws Exception {
        return prepare.invoke(ingest, batch);
    }

    /** OTLP decoding with the receiver's default limits, and nothing to ingest into. */
    static OtlpExports decoderOnly() {
        return new OtlpExports(null, null, null, new OtlpReceiverSettings(64L << 20, 1024, 1 << 20, ""));
    }

    /** Runs for about {@code nanos} and returns the time per span. */
    public double nanosPerSpan(long nanos, boolean prepare) throws Exception {
        // CPU time, this thread's and the collector's, not elapsed time: on a shared machine the
        // elapsed time of a block mostly measures the neighbours
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long gc0 = collectionMillis();
        long spans = 0;
        int i = 0;
        while (System.nanoTime() - start < nanos) {
            SpanBatch batch = exports.decodeTraces(requests[i++ & 7]).batch();
            sink += prepare ? System.identityHashCode(prepare(batch)) & 1 : 0;
            spans += batch.spans().size();
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0 + (collectionMillis() - gc0) * 1_000_000L;
        return cpu / (double) spans;
    }

    /** The collectors' accumulated time (the serial collector's pauses run on the VM thread, not this one). */
    private static long collectionMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /**
     * Writes {@code commits} commits of two fresh 500-span requests each (what two clients give the
     * group-commit writer) and returns the writer's CPU time per span; decoding and {@code prepare}
     * are not counted. The trace ids never repeat, so the store grows as under load.
     */
    public double writeCpuNanosPerSpan(int commits) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        long spans = 0;
        for (int c = 0; c < commits; c++) {
            List<Object> group = new ArrayList<>(2);
            for (int b = 0; b < 2; b++) {
                SpanBatch batch = exports.decodeTraces(LoadGenerator.request(nextRequest++, 500, 10, 10,
                        new ArrayList<>(), 0)).batch();
                group.add(prepare(batch));
                spans += batch.spans().size();
            }
            long t0 = threads.getCurrentThreadCpuTime();
            commit.invoke(ingest, group);
            cpu += threads.getCurrentThreadCpuTime() - t0;
        }
        return cpu / (double) spans;
    }

    @Override
    public String toString() {
        return "IngestPathRunner(" + sink + ")";
    }
}
