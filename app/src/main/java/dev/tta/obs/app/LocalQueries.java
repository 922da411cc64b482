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
 * tta-obs answers, and the query commands with --data-dir. Only read use cases are built, over a
 * store opened read-only, so the data directory's files are left as they were.
 */
final class LocalQueries implements AutoCloseable {
    private final TraceStore<?> store;
    final TraceTools tools;

    private LocalQueries(TraceStore<?> store, TraceTools tools) {
        this.store = store;
        this.tools = tools;
    }

    static LocalQueries open(StorageOptions storage) throws IOException {
        Path dir = storage.dataDirectory();
        PriceTable prices = PriceTable.bundledWithOverrides(
                Optional.of(dir.resolve(PriceTable.FILE_NAME)).filter(Files::isRegularFile));
        TraceStore<?> store = storage.openReadOnly(new TraceAssembler(new WorkflowRollups(prices)));
        TraceQueryService query = new TraceQueryService(store, store, Clock.systemUTC(), prices);
        // feedback is only read here: the store is opened read-only, and nothing watches a live feed
        FeedbackService feedback = new FeedbackService(store, WallClock.system(), (trace, items) -> { });
        Optional<String> readOnly = Optional.of("tta-obs is reading " + dir + " read-only (no tta-obs service "
                + "answered); start it (tta-obs start) to add feedback");
        return new LocalQueries(store, new TraceTools(query, query, new SessionQueryService(store, store, store, prices),
                feedback, prices, Clock.systemUTC(), readOnly));
    }

    @Override
    public void close() {
        store.close();
    }
}
