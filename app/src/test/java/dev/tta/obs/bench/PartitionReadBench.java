package dev.tta.obs.bench;

import dev.tta.obs.adapters.postgres.PostgresTraceStore;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import dev.tta.obs.ports.service.TraceIngest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Reads from PostgreSQL with span_chunks in one arrival-day partition and spread over many, on the
 * same data: does a trace read (which probes every partition's trace_id index) or a search stay
 * within its target when retention keeps a month of days? Loads the same spans into two schemas of
 * one embedded PostgreSQL (as {@link StoreWriteBench}: 10-span traces, 10 attributes), one arriving
 * on a single day, one spread over {@code days} days, then times the two alternately in blocks.
 *
 * <pre>java -cp app/target/test-classes:$(cat app/target/bench.classpath) dev.tta.obs.bench.PartitionReadBench [spans] [days] [blocks]</pre>
 */
public final class PartitionReadBench {
    private static final long DAY = 86_400_000_000_000L;
    private static final int BATCH = 500;
    private static final int PER_TRACE = 10;

    public static void main(String[] args) throws Exception {
        int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int batches = spans / BATCH;
        TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));
        Path dir = Files.createTempDirectory("tta-obs-partition-bench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start()) {
            String base = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            PostgresTraceStore one = load(pg, base, "one_day", batches, 1, assembler);
            PostgresTraceStore many = load(pg, base, "many_days", batches, days, assembler);
            List<String> names = List.of("trace by id", "search name=step-3", "search q=workflow-7",
                    "search attr=attr.0=value-0-5");
            double[][][] samples = new double[2][names.size()][];
            List<List<List<Double>>> all = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                List<List<Double>> perKind = new ArrayList<>();
                for (int k = 0; k < names.size(); k++) {
                    perKind.add(new ArrayList<>());
                }
                all.add(perKind);
            }
            Random random = new Random(42);
            for (int block = -1; block < blocks; block++) {
                for (int s = 0; s < 2; s++) {
                    PostgresTraceStore store = s == 0 ? one : many;
                    List<Supplier<Object>> work = List.of(
                            () -> store.findTrace(TraceId.fromBytes(LoadGenerator.traceId(random.nextInt(batches),
                                    random.nextInt(BATCH / PER_TRACE)))).orElseThrow(),
                            () -> store.search(TraceSearch.builder().spanName("step-3").limit(50).build()),
                            () -> store.search(TraceSearch.builder().text("workflow-7").limit(50).build()),
                            () -> store.search(TraceSearch.builder().attribute("attr.0", "value-0-5").limit(50).build()));
                    for (int k = 0; k < work.size(); k++) {
                        int n = k == 0 ? 300 : 30;
                        for (int i = 0; i < n; i++) {
                            long t0 = System.nanoTime();
                            work.get(k).get();
                            // block -1 warms the JIT and the caches up, unrecorded
                            if (block >= 0) {
                                all.get(s).get(k).add((System.nanoTime() - t0) / 1e6);
                            }
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%,d spans; one partition vs %d day partitions; %d blocks alternated%n",
                    spans, days, blocks);
            for (int k = 0; k < names.size(); k++) {
                for (int s = 0; s < 2; s++) {
                    double[] v = all.get(s).get(k).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    samples[s][k] = v;
                }
                System.out.printf(Locale.ROOT, "%-32s p50 / p99 ms: 1 partition %.2f / %.2f, %d partitions %.2f / %.2f%n",
                        names.get(k), pct(samples[0][k], 0.5), pct(samples[0][k], 0.99), days,
                        pct(samples[1][k], 0.5), pct(samples[1][k], 0.99));
            }
            one.close();
            many.close();
        }
    }

    private static double pct(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static PostgresTraceStore load(EmbeddedPostgres pg, String base, String schema, int batches, int days,
                                           TraceAssembler assembler) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        PostgresTraceStore store = PostgresTraceStore.open(base + "?currentSchema=" + schema, Optional.of("postgres"),
                Optional.empty(), assembler);
        long firstDay = (System.currentTimeMillis() * 1_000_000L / DAY + 1) * DAY;
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            long arrival = firstDay + (long) b * days / batches * DAY + b;
            TraceIngest.of(store, assembler, () -> arrival).append(List.of(StoreWriteBench.batch(b, BATCH, PER_TRACE, 10)));
        }
        System.out.printf(Locale.ROOT, "loaded %s: %,d spans over %d days in %.0f s%n", schema, batches * BATCH, days,
                (System.nanoTime() - t0) / 1e9);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("ANALYZE " + schema + ".span_chunks");
            st.execute("ANALYZE " + schema + ".traces");
        }
        return store;
    }

    private PartitionReadBench() {
    }
}
