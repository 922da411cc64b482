package dev.tta.obs.bench;

import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How long the first start takes when the search index file is missing (a database from before it
 * had its own file, or a deleted one): writes {@code spans} spans like {@link LoadGenerator}'s,
 * closes the store, deletes {@code tta-obs-search.sqlite} and times the next open, which rebuilds it.
 *
 * <pre>java -cp "app/target/test-classes:app/target/tta-obs-all.jar:$(cat app/target/bench.classpath)" dev.tta.obs.bench.SearchIndexRebuildBench [spans]</pre>
 */
public final class SearchIndexRebuildBench {
    public static void main(String[] args) throws Exception {
        int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));
        Path dir = Files.createTempDirectory("tta-obs-rebuild-bench");
        Path db = dir.resolve("tta-obs.sqlite");
        try (SqliteTraceStore store = SqliteTraceStore.open(db, assembler)) {
            var ingest = TraceIngest.of(store, assembler, WallClock.system());
            for (int b = 0; b < spans / 500; b++) {
                ingest.append(List.of(StoreWriteBench.batch(b, 500, 10, 10)));
            }
        }
        Files.delete(dir.resolve("tta-obs-search.sqlite"));
        long t0 = System.nanoTime();
        try (SqliteTraceStore reopened = SqliteTraceStore.open(db, assembler)) {
            System.out.printf("open with the search index rebuilt for %d spans: %.1f s%n", spans,
                    (System.nanoTime() - t0) / 1e9);
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
