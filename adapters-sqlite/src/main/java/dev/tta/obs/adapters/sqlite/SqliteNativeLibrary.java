package dev.tta.obs.adapters.sqlite;

import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
            if (!Files.isRegularFile(file) && !extract(SqliteNativeLibrary.class, resource, file)) {
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

    /**
     * Writes {@code owner}'s resource to a file of its own, then renames it: a reader never sees half
     * a library, and two processes extracting at once both end with a whole one. Also extracts the
     * other native libraries kept in the cache directory.
     *
     * @return false when there is no such resource
     */
    public static boolean extract(Class<?> owner, String resource, Path file) throws IOException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // another tta-obs put it there first (on Windows a loaded library cannot be replaced)
                    if (!Files.isRegularFile(file)) {
                        throw e;
                    }
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
    }
}
