package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SqliteTraceStore#openReadOnly}: reads what is stored and leaves every file of the directory as it was. */
class SqliteReadOnlyTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);

    @TempDir
    Path dir;

    private Path stored(String... roots) {
        Path file = dir.resolve("tta-obs.sqlite");
        try (TraceStore<?> store = SqliteTraceStore.open(file, ASSEMBLER)) {
            for (int i = 0; i < roots.length; i++) {
                appendTrace(store, i + 1, 3, roots[i]);
            }
            // every chunk indexed before the close, as after a normal stop
            assertThat(names(store, roots[0])).contains(roots[0]);
        }
        return file;
    }

    @Test
    void listTraceAndSearch_readTheData_andLeaveEveryFileByteIdentical() throws Exception {
        Path file = stored("checkout-flow", "refund-flow");
        Map<String, String> before = hashes();
        assertThat(before).containsKeys("tta-obs.sqlite", "tta-obs-search.sqlite");

        queryEverything(file);

        assertThat(hashes()).isEqualTo(before);
    }

    @Test
    void filesMadeReadOnly_areReadAndStayByteIdentical() throws Exception {
        Path file = stored("checkout-flow", "refund-flow");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
            }
        }
        Map<String, String> before = hashes();

        queryEverything(file);

        assertThat(hashes()).isEqualTo(before);
    }

    private void queryEverything(Path file) {
        try (SqliteTraceStore store = SqliteTraceStore.openReadOnly(file, ASSEMBLER)) {
            assertThat(store.traceCount()).isEqualTo(2);
            assertThat(store.search(TraceSearch.newest(10)).traces()).extracting(TraceSummary::rootName)
                    .containsExactlyInAnyOrder("checkout-flow", "refund-flow");
            assertThat(store.findTrace(Fixtures.traceId(1)).orElseThrow().spans()).hasSize(3);
            assertThat(names(store, "refund")).containsExactly("refund-flow");
            assertThat(names(store, "step")).hasSize(2);
            store.stats(java.time.LocalDate.now());
            store.services();
        }
    }

    @Test
    void whatAKilledServerLeft_isRead_andStaysByteIdentical() throws Exception {
        Path file = dir.resolve("tta-obs.sqlite");
        Path copy = dir.resolve("after-kill");
        Files.createDirectories(copy);
        try (SqliteTraceStore server = SqliteTraceStore.open(file, ASSEMBLER)) {
            appendTrace(server, 1, 3, "checkout-flow");
            appendTrace(server, 2, 3, "refund-flow");
            assertThat(names(server, "flow")).hasSize(2);
            // what a SIGKILL leaves: the commits still in the log files, beside their wal-index
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        dir = copy;
        assertThat(hashes()).containsKeys("tta-obs.sqlite-wal", "tta-obs-search.sqlite-wal");
        assertThat(hashes()).containsKeys("tta-obs.sqlite-shm", "tta-obs-search.sqlite-shm");
        Map<String, String> before = hashes();

        queryEverything(copy.resolve("tta-obs.sqlite"));

        // the -shm files too: SQLite's shared index of the log, which a reader would otherwise rebuild
        assertThat(hashes()).isEqualTo(before);
    }

    @Test
    void writesAndDeletes_throw_andChangeNothing() throws Exception {
        Path file = stored("kept");
        Map<String, String> before = hashes();
        try (SqliteTraceStore store = SqliteTraceStore.openReadOnly(file, ASSEMBLER)) {
            assertThatThrownBy(() -> appendTrace(store, 2, 2, "new")).isInstanceOf(ReadOnlyStoreException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> store.deleteTrace(Fixtures.traceId(1))).isInstanceOf(ReadOnlyStoreException.class);
            assertThatThrownBy(store::deleteAll).isInstanceOf(ReadOnlyStoreException.class);
            assertThatThrownBy(() -> store.evict(0, Optional.empty(), 100)).isInstanceOf(ReadOnlyStoreException.class);
            assertThat(store.traceCount()).isEqualTo(1);
        }
        assertThat(hashes()).isEqualTo(before);
    }

    @Test
    void whileTheServerWrites_readsWhatItCommitted() throws Exception {
        Path file = dir.resolve("tta-obs.sqlite");
        try (SqliteTraceStore server = SqliteTraceStore.open(file, ASSEMBLER)) {
            appendTrace(server, 1, 3, "before-reader");
            try (SqliteTraceStore reader = SqliteTraceStore.openReadOnly(file, ASSEMBLER)) {
                assertThat(reader.findTrace(Fixtures.traceId(1))).isPresent();
                appendTrace(server, 2, 3, "while-reading");
                assertThat(reader.findTrace(Fixtures.traceId(2))).isPresent();
                assertThat(reader.search(TraceSearch.newest(10)).traces()).hasSize(2);
                // the server writes search rows a moment after the commit (its own search does it at once)
                assertThat(names(server, "reading")).containsExactly("while-reading");
                assertThat(names(reader, "reading")).containsExactly("while-reading");
                assertThat(names(reader, "reader")).containsExactly("before-reader");
            }
            // the server's log files are its own: the reader's close left them, and the server goes on
            appendTrace(server, 3, 3, "after-reader");
            assertThat(names(server, "reader")).containsExactlyInAnyOrder("before-reader", "after-reader");
        }
        try (SqliteTraceStore reopened = SqliteTraceStore.openReadOnly(file, ASSEMBLER)) {
            assertThat(reopened.traceCount()).isEqualTo(3);
        }
    }

    @Test
    void aDirectoryNamedWithSpacesAndMarks_isReadWhileTheServerHasItOpen() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("my data #1 ?%20"));
        Path file = odd.resolve("tta-obs.sqlite");
        try (SqliteTraceStore server = SqliteTraceStore.open(file, ASSEMBLER)) {
            appendTrace(server, 1, 3, "odd-place");
            assertThat(names(server, "odd")).containsExactly("odd-place");
            try (SqliteTraceStore reader = SqliteTraceStore.openReadOnly(file, ASSEMBLER)) {
                assertThat(names(reader, "odd")).containsExactly("odd-place");
            }
        }
    }

    @Test
    void anOlderSchema_isAOneLineError_andChangesNothing() throws Exception {
        Path file = stored("old");
        try (Connection c = DriverManager.getConnection(SqliteFiles.url(file)); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '" + SqliteSchema.currentVersion() + "'");
        }
        Map<String, String> before = hashes();
        assertThatThrownBy(() -> SqliteTraceStore.openReadOnly(file, ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("the data in " + dir.toAbsolutePath() + " is from another tta-obs version (schema V"
                        // the listed one before the last: numbers reserved for other branches may leave a gap
                        + SqliteSchema.versionOf(SqliteSchema.MIGRATIONS.get(SqliteSchema.MIGRATIONS.size() - 2))
                        + ", this version reads V" + SqliteSchema.currentVersion()
                        + "); run `tta-obs start` on it once to upgrade it");
        assertThat(hashes()).isEqualTo(before);
    }

    @Test
    void aNewerSchema_saysToUseTheNewerVersion() throws Exception {
        Path file = stored("new");
        try (Connection c = DriverManager.getConnection(SqliteFiles.url(file)); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                    + " installed_by, execution_time, success) VALUES (99, '" + (SqliteSchema.currentVersion() + 1)
                    + "', 'future', 'SQL', 'V_future.sql', 'test', 0, 1)");
        }
        assertThatThrownBy(() -> SqliteTraceStore.openReadOnly(file, ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("another tta-obs version")
                .hasMessageContaining("newer tta-obs");
    }

    @Test
    void aMissingSearchIndex_findsNoTextMatches_andIsNotCreated() throws Exception {
        Path file = stored("indexed-once");
        Files.delete(dir.resolve("tta-obs-search.sqlite"));
        Map<String, String> before = hashes();
        try (SqliteTraceStore store = SqliteTraceStore.openReadOnly(file, ASSEMBLER)) {
            assertThat(store.search(TraceSearch.newest(10)).traces()).hasSize(1);
            assertThat(names(store, "indexed")).isEmpty();
        }
        assertThat(hashes()).isEqualTo(before);
    }

    @Test
    void aFileThatIsNoDatabase_saysSo_andChangesNothing() throws Exception {
        Path file = dir.resolve("tta-obs.sqlite");
        Files.writeString(file, "not a database, but long enough to have a header of a hundred bytes: "
                + "x".repeat(200));
        Map<String, String> before = hashes();
        assertThatThrownBy(() -> SqliteTraceStore.openReadOnly(file, ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot read SQLite database " + file)
                .hasMessageContaining("SQLITE_NOTADB");
        assertThat(hashes()).isEqualTo(before);
    }

    @Test
    void aMissingFile_isAnErrorNamingIt_andCreatesNothing() {
        Path file = dir.resolve("nothing-here.sqlite");
        assertThatThrownBy(() -> SqliteTraceStore.openReadOnly(file, ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("nothing-here.sqlite");
        assertThat(dir).isEmptyDirectory();
    }

    /** Every file in the directory by name, with its SHA-256. */
    private Map<String, String> hashes() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    private static void appendTrace(TraceStore<?> store, int n, int size, String root) {
        Fixtures.ingestInto(store).append(List.of(new SpanBatch(Fixtures.trace(n, size, root))));
    }

    private static List<String> names(TraceStore<?> store, String text) {
        return store.search(TraceSearch.builder().text(text).limit(10).build()).traces().stream()
                .map(TraceSummary::rootName).toList();
    }
}
