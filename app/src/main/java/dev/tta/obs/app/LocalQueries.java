package dev.tta.obs.app;

import dev.tta.obs.adapters.mcp.TraceTools;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.FeedbackService;
import dev.tta.obs.ports.service.SessionQueryService;
import dev.tta.obs.ports.service.TraceQueryService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The query use cases over the data directory, without a server: for `tta-obs mcp` when no
 * tta-obs answers, and the query commands with --data-dir. {@link #open} builds only read use cases,
 * over a store opened read-only, so the data directory's files are left as they were;
 * {@link #openForWrites} is for `tta-obs feedback --data-dir DIR --name ...`, asked for a write.
 */
final class LocalQueries implements AutoCloseable {
    private final TraceStore<?> store;
    final TraceTools tools;

    private LocalQueries(TraceStore<?> store, TraceTools tools) {
        this.store = store;
        this.tools = tools;
    }

    static LocalQueries open(StorageOptions storage) throws IOException {
        return open(storage, false);
    }

    /**
     * As {@link #open}, over the store opened for writing (as `tta-obs import` opens it, also while
     * `tta-obs start` runs on it), so that add_feedback stores; still only an existing database.
     */
    static LocalQueries openForWrites(StorageOptions storage) throws IOException {
        return open(storage, true);
    }

    private static LocalQueries open(StorageOptions storage, boolean writes) throws IOException {
        Path dir = storage.dataDirectory();
        PriceTable prices = PriceTable.bundledWithOverrides(
                Optional.of(dir.resolve(PriceTable.FILE_NAME)).filter(Files::isRegularFile));
        TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(prices));
        TraceStore<?> store = writes ? storage.openExisting(assembler) : storage.openReadOnly(assembler);
        TraceQueryService query = new TraceQueryService(store, store, Clock.systemUTC(), prices);
        // nothing here watches a live feed: a running service's dashboard shows the feedback on its next read
        FeedbackService feedback = new FeedbackService(store, WallClock.system(), (trace, items) -> { });
        Optional<String> readOnly = writes ? Optional.empty() : Optional.of("tta-obs is reading " + dir
                + " read-only (no tta-obs service answered); start it (tta-obs start) to add feedback");
        return new LocalQueries(store, new TraceTools(query, query, new SessionQueryService(store, store, store, prices),
                feedback, prices, Clock.systemUTC(), readOnly));
    }

    @Override
    public void close() {
        store.close();
    }
}
