package dev.tta.obs.adapters.sqlite;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteSchemaTest {
    @TempDir
    Path dir;

    @Test
    void theListNamesEveryMigrationFile_inVersionOrder() throws Exception {
        Path folder = Path.of(SqliteSchemaTest.class.getResource("/" + SqliteSchema.LOCATION).toURI());
        List<String> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .sorted(Comparator.comparingInt(SqliteSchema::versionOf)).toList();
        }
        assertThat(SqliteSchema.MIGRATIONS)
                .as("SqliteSchema.MIGRATIONS must list every file in " + SqliteSchema.LOCATION)
                .containsExactlyElementsOf(files);
    }

    @Test
    void aNewFile_getsEveryMigration_andIsThenCurrent() throws Exception {
        SQLiteDataSource ds = dataSource("new.sqlite");
        assertThat(SqliteSchema.isCurrent(ds)).isFalse();

        SqliteSchema.migrate(ds);

        assertThat(SqliteSchema.isCurrent(ds)).isTrue();
        assertThat(appliedVersions(ds)).hasSize(SqliteSchema.MIGRATIONS.size());
        // what Flyway itself finds when it searches the class path: nothing pending, nothing unknown
        Flyway scanning = Flyway.configure().dataSource(ds).locations("classpath:" + SqliteSchema.LOCATION).load();
        scanning.validate();
        assertThat(scanning.info().pending()).isEmpty();
    }

    @Test
    void aFileOneMigrationBehind_getsTheLastOne() throws Exception {
        SQLiteDataSource ds = dataSource("behind.sqlite");
        int last = SqliteSchema.versionOf(SqliteSchema.MIGRATIONS.get(SqliteSchema.MIGRATIONS.size() - 1));
        // the listed one before the last: numbers reserved for other branches may leave a gap
        int previous = SqliteSchema.versionOf(SqliteSchema.MIGRATIONS.get(SqliteSchema.MIGRATIONS.size() - 2));
        Flyway.configure().dataSource(ds).locations("classpath:" + SqliteSchema.LOCATION)
                .target(String.valueOf(previous)).load().migrate();
        assertThat(SqliteSchema.isCurrent(ds)).isFalse();

        SqliteSchema.migrate(ds);

        assertThat(SqliteSchema.isCurrent(ds)).isTrue();
        assertThat(appliedVersions(ds)).contains(String.valueOf(last));
    }

    @Test
    void aFailedMigrationInTheHistory_isLeftToFlywayToReport() throws Exception {
        SQLiteDataSource ds = dataSource("failed.sqlite");
        SqliteSchema.migrate(ds);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE flyway_schema_history SET success = 0 WHERE version = '1'");
        }

        assertThat(SqliteSchema.isCurrent(ds)).isFalse();
        assertThatThrownBy(() -> SqliteSchema.migrate(ds)).hasMessageContaining("failed");
    }

    @Test
    void aSecondNewFile_isCopiedFromTheFirstOnesTemplate() throws Exception {
        Path templates = dir.resolve("cache");
        SqliteSchema.migrate(dir.resolve("first.sqlite"), templates);
        assertThat(templates).isDirectoryContaining(p -> p.getFileName().toString().startsWith("empty-"));

        SqliteSchema.migrate(dir.resolve("second.sqlite"), templates);

        SQLiteDataSource second = dataSource("second.sqlite");
        assertThat(SqliteSchema.isCurrent(second)).isTrue();
        // the history came with the copy, as Flyway wrote it for the first file
        assertThat(installedOn(second)).isEqualTo(installedOn(dataSource("first.sqlite")));
        Flyway scanning = Flyway.configure().dataSource(second).locations("classpath:" + SqliteSchema.LOCATION).load();
        scanning.validate();
        assertThat(scanning.info().pending()).isEmpty();
    }

    @Test
    void aDamagedTemplate_isReplaced_andTheNewFileMigratedByFlyway() throws Exception {
        Path templates = Files.createDirectories(dir.resolve("cache"));
        Path template = templates.resolve("empty-" + SqliteSchema.templateKey() + ".sqlite");
        Files.writeString(template, "not a database");

        SqliteSchema.migrate(dir.resolve("new.sqlite"), templates);

        assertThat(SqliteSchema.isCurrent(dataSource("new.sqlite"))).isTrue();
        assertThat(Files.readAllBytes(template)).isNotEqualTo("not a database".getBytes());
    }

    @Test
    void anExistingFile_isNeverReplacedByTheTemplate() throws Exception {
        Path templates = dir.resolve("cache");
        SqliteSchema.migrate(dir.resolve("first.sqlite"), templates);
        Path kept = dir.resolve("kept.sqlite");
        SqliteSchema.migrate(kept, null);
        try (Connection c = dataSource("kept.sqlite").getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE marker (x INTEGER)");
        }

        SqliteSchema.migrate(kept, templates);

        try (Connection c = dataSource("kept.sqlite").getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM marker")) {
            assertThat(rs.next()).isTrue();
        }
    }

    private static List<String> installedOn(SQLiteDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT installed_on FROM flyway_schema_history ORDER BY installed_rank")) {
            List<String> times = new java.util.ArrayList<>();
            while (rs.next()) {
                times.add(rs.getString(1));
            }
            return times;
        }
    }

    private SQLiteDataSource dataSource(String name) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve(name));
        return ds;
    }

    private static List<String> appliedVersions(SQLiteDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1")) {
            List<String> versions = new java.util.ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            return versions;
        }
    }
}
