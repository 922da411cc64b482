package dev.tta.obs.adapters.sqlite;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteNativeLibraryTest {
    @TempDir
    Path cache;

    @AfterEach
    void forget() {
        System.clearProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.name");
        System.clearProperty("org.sqlite.tmpdir");
    }

    @Test
    void theLibraryIsExtractedOnce_andSqliteJdbcIsPointedAtIt() throws Exception {
        Path file = SqliteNativeLibrary.useCache(cache).orElseThrow();

        assertThat(file.getParent()).isEqualTo(cache);
        assertThat(Files.size(file)).isGreaterThan(100_000);
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(cache.toAbsolutePath().toString());
        assertThat(System.getProperty("org.sqlite.lib.name")).isEqualTo(file.getFileName().toString());
        long modified = Files.getLastModifiedTime(file).toMillis();

        forget();
        assertThat(SqliteNativeLibrary.useCache(cache)).contains(file);
        assertThat(Files.getLastModifiedTime(file).toMillis()).as("reused, not written again").isEqualTo(modified);
    }

    @Test
    void aDamagedLibraryIsDeleted_andSqliteJdbcKeepsItsOwnWay() throws Exception {
        // a new file: overwriting one this JVM has loaded would pull the code from under it
        Path damaged = SqliteNativeLibrary.fileIn(cache);
        Files.write(damaged, new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 0, 0});

        assertThat(SqliteNativeLibrary.useCache(cache)).isEmpty();

        assertThat(damaged).doesNotExist();
        assertThat(System.getProperty("org.sqlite.lib.path")).isNull();
    }

    @Test
    void aLibraryTheUserChoseIsLeftAlone() {
        System.setProperty("org.sqlite.lib.path", "/somewhere/else");

        assertThat(SqliteNativeLibrary.useCache(cache)).isEqualTo(Optional.empty());
        assertThat(cache).isEmptyDirectory();
    }
}
