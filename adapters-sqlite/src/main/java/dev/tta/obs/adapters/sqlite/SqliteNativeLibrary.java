package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.ports.io.ResourceFiles;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps SQLite's native library, which sqlite-jdbc otherwise copies out of the jar into the temporary
 * directory (and compares byte by byte) on every start, extracted once in a cache directory.
 */
public final class SqliteNativeLibrary {
    private static final String LIB_PATH = "org.sqlite.lib.path";
    private static final String LIB_NAME = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /**
     * Points sqlite-jdbc at the library extracted in {@code cacheDir}, extracting it there first if
     * needed. Does nothing when the user chose a library with {@code org.sqlite.lib.path}; any failure
     * (a read-only directory, a damaged file) leaves sqlite-jdbc to extract it the usual way.
     *
     * @return the library file in use, if the cache is used
     */
    public static Optional<Path> useCache(Path cacheDir) {
        if (System.getProperty(LIB_PATH) != null) {
            return Optional.empty();
        }
        try {
            String resource = resource();
            Path file = fileIn(cacheDir);
            if (!Files.isRegularFile(file) && !ResourceFiles.extract(SqliteNativeLibrary.class, resource, file)) {
                return Optional.empty();
            }
            try {
                // loaded here first, so that a damaged file is found now; sqlite-jdbc's own load of the
                // same file from the same class loader is then a no-op
                System.load(file.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                Files.deleteIfExists(file);
                return Optional.empty();
            }
            System.setProperty(LIB_PATH, cacheDir.toAbsolutePath().toString());
            System.setProperty(LIB_NAME, file.getFileName().toString());
            // its clean-up of older copies then lists this directory, not the whole temporary directory
            System.setProperty("org.sqlite.tmpdir", cacheDir.toAbsolutePath().toString());
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The library for this machine inside sqlite-jdbc's jar. */
    private static String resource() {
        String folder = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/";
        String name = System.mapLibraryName("sqlitejdbc");
        if (SqliteNativeLibrary.class.getResource(folder + name) == null && name.endsWith(".dylib")) {
            name = name.replace(".dylib", ".jnilib");
        }
        return folder + name;
    }

    /** Named by sqlite-jdbc's version and the platform, so another version or machine never picks it up. */
    static Path fileIn(Path cacheDir) {
        String resource = resource();
        // not "sqlite-<version>...": sqlite-jdbc's clean-up owns that prefix in its temporary directory
        return cacheDir.resolve("sqlitejdbc-" + SQLiteJDBCLoader.getVersion() + "-"
                + OSInfo.getNativeLibFolderPathForCurrentOS().replace('/', '-')
                + resource.substring(resource.lastIndexOf('.')));
    }
}
