package dev.tta.obs.app;

import dev.tta.obs.adapters.postgres.PostgresTraceStore;
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
            description = "Where the SQLite database lives (default: the per-user data directory, "
                    + "e.g. ~/.local/share/tta-obs on Linux).")
    Path dataDir;

    @Option(names = "--storage", defaultValue = "sqlite", paramLabel = "KIND",
            description = "Storage backend: sqlite (default) or postgres (needs --db-url; traces, metrics and "
                    + "logs all go to that database).")
    String storage;

    @Option(names = "--db-url", paramLabel = "URL",
            description = "With --storage=postgres: the database, e.g. jdbc:postgresql://localhost:5432/tta.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "With --storage=postgres: the database user.")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD",
            description = "With --storage=postgres: the user's password (prefer the TTA_OBS_DB_PASSWORD variable).")
    String dbPassword;

    Path dataDirectory() {
        return (dataDir != null ? dataDir : DataDirectory.defaultForThisMachine()).toAbsolutePath();
    }

    void validate() {
        validate(storage, dbUrl);
    }

    /** Shared with `start`, which has the same flags. */
    static void validate(String storage, String dbUrl) {
        if (!storage.equals("sqlite") && !storage.equals("postgres")) {
            throw new IllegalArgumentException("--storage must be 'sqlite' or 'postgres', got '" + storage + "'");
        }
        if (storage.equals("postgres") && (dbUrl == null || dbUrl.isBlank())) {
            throw new IllegalArgumentException("--storage=postgres needs --db-url (or TTA_OBS_DB_URL), "
                    + "e.g. --db-url=jdbc:postgresql://localhost:5432/tta");
        }
    }

    static Optional<String> given(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    /** Summaries priced as the server prices them: the bundled table with the data directory's prices.tsv over it. */
    TraceAssembler assembler() throws IOException {
        PriceTable prices = PriceTable.bundledWithOverrides(Optional.of(dataDirectory().resolve(PriceTable.FILE_NAME))
                .filter(java.nio.file.Files::isRegularFile));
        return new TraceAssembler(new WorkflowRollups(prices));
    }

    /**
     * Opens the store without the server; works while `tta-obs start` runs on the same data (SQLite's
     * WAL; PostgreSQL takes concurrent clients anyway).
     */
    TraceStore<?> open(TraceAssembler assembler) {
        validate();
        Path dir = dataDirectory();
        if (storage.equals("postgres")) {
            return PostgresTraceStore.open(dbUrl.trim(), given(dbUser), given(dbPassword), assembler);
        }
        CacheDirectory.loadSqliteLibrary();
        return SqliteTraceStore.open(dir.resolve(DATABASE_FILE), assembler);
    }

    /**
     * Opens the store for commands that only read: the SQLite file is left as it is (no migration,
     * no checkpoint, no search index catch-up; see {@link SqliteTraceStore#openReadOnly}), alone or
     * while `tta-obs start` writes to it. PostgreSQL is opened as by {@link #open}.
     *
     * @throws IllegalArgumentException when the data directory holds no database
     */
    TraceStore<?> openReadOnly(TraceAssembler assembler) {
        validate();
        if (storage.equals("postgres")) {
            return open(assembler);
        }
        Path dir = existingDatabase();
        CacheDirectory.loadSqliteLibrary();
        return SqliteTraceStore.openReadOnly(dir.resolve(DATABASE_FILE), assembler);
    }

    /**
     * As {@link #open}, for a write to traces already stored: a data directory without a database
     * is refused rather than given an empty one.
     *
     * @throws IllegalArgumentException when the data directory holds no database
     */
    TraceStore<?> openExisting(TraceAssembler assembler) {
        validate();
        if (storage.equals("sqlite")) {
            existingDatabase();
        }
        return open(assembler);
    }

    private Path existingDatabase() {
        Path dir = dataDirectory();
        if (!java.nio.file.Files.isRegularFile(dir.resolve(DATABASE_FILE))) {
            throw new IllegalArgumentException("no traces at " + dir + " (no " + DATABASE_FILE
                    + "); pass --data-dir, or --url of a running tta-obs");
        }
        return dir;
    }
}
