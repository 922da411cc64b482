package dev.tta.obs.app;

import dev.tta.obs.adapters.sqlite.SqliteSchema;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Loads SQLite and brings the database file's schema up to date on a second thread while Micronaut
 * builds its context on the first; the store's bean waits for it before opening the file.
 */
final class StoreWarmup {
    private static volatile Future<Void> running;

    private StoreWarmup() {
    }

    static void begin(Path databaseFile) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            CacheDirectory.loadSqliteLibrary();
            SqliteSchema.migrate(databaseFile, CacheDirectory.current().map(d -> d.resolve("schema")).orElse(null));
            return null;
        });
        Thread thread = new Thread(task, "tta-obs-store-warmup");
        thread.setDaemon(true);
        running = task;
        thread.start();
    }

    /**
     * Waits for {@link #begin}'s work, if any; a failure is left to opening the store, which names the
     * file. Every store that opens the file calls it, so the task stays: a second caller waits too.
     */
    static void await() {
        Future<Void> task = running;
        if (task == null) {
            return;
        }
        try {
            task.get();
        } catch (ExecutionException e) {
            // reported by the store's own open, with the file's name
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
