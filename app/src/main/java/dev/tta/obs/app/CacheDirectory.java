package dev.tta.obs.app;

import dev.tta.obs.adapters.sqlite.SqliteNativeLibrary;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The user's cache directory for tta-obs, as the launcher passes it in {@code -Dtta.cache-dir}: the
 * start-up cache per Java lives there (the launcher keeps it), and the extracted SQLite and Brotli
 * libraries ({@code native/}).
 * Without the launcher (java -jar, tests) nothing is cached.
 */
final class CacheDirectory {
    static final String PROPERTY = "tta.cache-dir";

    private CacheDirectory() {
    }

    static Optional<Path> current() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /** Loads SQLite's native library, from the cache when there is one; a failure is the store's to report. */
    static void loadSqliteLibrary() {
        current().ifPresent(dir -> SqliteNativeLibrary.useCache(dir.resolve("native")));
        try {
            org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception e) {
            // opening the store fails next, naming the database file
        }
    }
}
