package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.ports.contract.TelemetryStoreContract;
import dev.tta.obs.ports.out.TelemetryStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

class SqliteTelemetryStoreTest extends TelemetryStoreContract {
    private final AtomicInteger files = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected TelemetryStore newStore() {
        return SqliteTelemetryStore.open(dir.resolve("db-" + files.incrementAndGet() + ".sqlite"));
    }
}
