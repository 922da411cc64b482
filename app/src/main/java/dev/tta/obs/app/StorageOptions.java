package dev.tta.obs.app;

import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;
import dev.tta.obs.ports.out.TraceStore;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** The options that say where the data is, shared by the commands that open the store directly. */
final class StorageOptions {
    static final String DATABASE_FILE = "tta-obs.sqlite";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the SQLite database lives (default: the per-user data directory).")
    Path dataDir;

    @Option(names = "--storage", defaultValue = "sqlite", paramLabel = "KIND",
            description = "Storage backend: sqlite (default).")
    String storage;

    Path dataDirectory() {
        return (dataDir != null ? dataDir : DataDirectory.defaultForThisMachine()).toAbsolutePath();
    }

    void validate() {
        if (!storage.equals("sqlite")) {
            throw new IllegalArgumentException("--storage must be 'sqlite' (PostgreSQL support is coming), got '"
                    + storage + "'");
        }
    }

    /** Opens the store without the server; works while `tta-obs start` runs on the same data (WAL). */
    TraceStore open() throws IOException {
        validate();
        Path dir = dataDirectory();
        PriceTable prices = PriceTable.bundledWithOverrides(
                Optional.of(dir.resolve(PriceTable.FILE_NAME)).filter(java.nio.file.Files::isRegularFile));
        return SqliteTraceStore.open(dir.resolve(DATABASE_FILE), new TraceAssembler(new WorkflowRollups(prices)));
    }
}
