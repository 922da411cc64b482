package dev.tta.obs.adapters.sqlite;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;

import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Brings a database file's schema up to date with Flyway, and skips Flyway altogether when the file's
 * history already ends at the newest migration: a start then costs one query, not Flyway's set-up.
 */
public final class SqliteSchema {
    static final String LOCATION = "db/migration/sqlite";

    /**
     * The migrations in {@value #LOCATION}, oldest first. Listed, so that neither the check nor Flyway
     * has to search the whole jar for them; SqliteSchemaTest fails when a file is missing here.
     */
    static final List<String> MIGRATIONS = List.of(
            "V1__traces_and_span_chunks.sql",
            "V2__metrics_and_logs.sql",
            "V3__search_terms_and_stats.sql",
            "V4__retention_by_arrival.sql",
            "V5__search_index_merges_less_often.sql",
            "V6__search_index_after_commit.sql",
            "V7__traces_by_root_name.sql",
            "V8__search_index_no_crisis_merges.sql",
            "V9__search_index_in_its_own_file.sql",
            "V10__cost_index_only_for_priced_traces.sql",
            "V11__run_outcome.sql",
            "V12__sessions_and_feedback.sql",
            "V14__llm_calls.sql");

    private SqliteSchema() {
    }

    /**
     * Creates the database file if needed and brings its schema up to date, as opening the store does;
     * lets a caller do it early, on a thread of its own. Must not overlap with opening the same file.
     */
    public static void migrate(Path file) throws IOException {
        migrate(file, null);
    }

    /**
     * Like {@link #migrate(Path)}; a file that does not exist yet is made from an empty, migrated copy
     * kept in {@code templates} (a cache directory) instead of by Flyway, and the first new file
     * leaves that copy there. A copy that is not current is deleted and Flyway does the work.
     */
    public static void migrate(Path file, Path templates) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SQLiteDataSource ds = new SQLiteDataSource(SqliteFiles.config(false));
        ds.setUrl(SqliteFiles.url(file));
        boolean fresh = !Files.exists(file);
        Path template = templates == null ? null : templates.resolve("empty-" + templateKey() + ".sqlite");
        if (fresh && template != null && Files.isRegularFile(template)) {
            boolean copied = copyInto(template, file);
            if (copied && isCurrent(ds)) {
                return;
            }
            // a damaged copy: ours, made a moment ago, so nothing is lost by deleting it
            Files.deleteIfExists(template);
            if (copied) {
                Files.deleteIfExists(file);
            }
        }
        migrate(ds);
        if (fresh && template != null) {
            saveTemplate(ds, template);
        }
    }

    private static final String COPIED = ".from-template";

    /** Copies the template to a new name, then moves it to {@code file} unless another process made the file first. */
    private static boolean copyInto(Path template, Path file) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), COPIED);
            try {
                Files.copy(template, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, file);
                return true;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** A compact copy of the just-migrated, still empty file, put in place in one rename. */
    private static void saveTemplate(DataSource ds, Path template) {
        try {
            Files.createDirectories(template.getParent());
            Path tmp = template.resolveSibling(template.getFileName() + "." + ProcessHandle.current().pid() + ".part");
            Files.deleteIfExists(tmp);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("VACUUM INTO '" + tmp.toAbsolutePath().toString().replace("'", "''") + "'");
            }
            Files.move(tmp, template, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | SQLException e) {
            // only a cache: the next new file is migrated by Flyway again
        }
    }

    /** Names the template by the migrations' names and contents and the SQLite library's version. */
    static String templateKey() throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(org.sqlite.SQLiteJDBCLoader.getVersion().getBytes(StandardCharsets.UTF_8));
        for (String name : MIGRATIONS) {
            crc.update(name.getBytes(StandardCharsets.UTF_8));
            try (java.io.InputStream in = SqliteSchema.class.getResourceAsStream("/" + LOCATION + "/" + name)) {
                if (in == null) {
                    throw new IOException("missing migration " + name);
                }
                crc.update(in.readAllBytes());
            }
        }
        return Long.toHexString(crc.getValue());
    }

    /** Migrates {@code ds} unless it is current; Flyway's errors (a failed or edited migration) pass through. */
    static void migrate(DataSource ds) {
        if (!isCurrent(ds)) {
            flyway(ds).migrate();
        }
    }

    /**
     * Whether every listed migration has been applied and none failed. Anything else (a new file, an
     * older file, a failed migration, a file from a newer tta-obs) is left to Flyway to apply or report.
     */
    static boolean isCurrent(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            int newest = 0;
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false;
                }
                newest = Math.max(newest, Integer.parseInt(rs.getString(1)));
            }
            return newest == versionOf(MIGRATIONS.get(MIGRATIONS.size() - 1));
        } catch (SQLException | NumberFormatException e) {
            // no history table yet (a new file), or versions this check does not know
            return false;
        }
    }

    /** The newest migration this build has. */
    static int currentVersion() {
        return versionOf(MIGRATIONS.get(MIGRATIONS.size() - 1));
    }

    /**
     * The newest migration applied to the file {@code c} is connected to, without changing it;
     * empty when it has no history or a failed migration. A file that is not a database fails.
     */
    static java.util.OptionalInt appliedVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            int newest = 0;
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return java.util.OptionalInt.empty();
                }
                newest = Math.max(newest, Integer.parseInt(rs.getString(1)));
            }
            return newest == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(newest);
        } catch (NumberFormatException e) {
            return java.util.OptionalInt.empty();
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                return java.util.OptionalInt.empty();
            }
            throw e;
        }
    }

    static int versionOf(String migration) {
        return Integer.parseInt(migration.substring(1, migration.indexOf("__")));
    }

    static Flyway flyway(DataSource ds) {
        Location location = new Location("classpath:" + LOCATION);
        ClassLoader loader = SqliteSchema.class.getClassLoader();
        List<LoadableResource> resources = new ArrayList<>();
        for (String file : MIGRATIONS) {
            resources.add(new ClassPathResource(location, LOCATION + "/" + file, loader, StandardCharsets.UTF_8));
        }
        return Flyway.configure(loader)
                .dataSource(ds)
                .locations(location)
                .resourceProvider(new Listed(resources))
                .javaMigrationClassProvider(new NoJavaMigrations())
                .load();
    }

    /** The listed migrations, in place of Flyway's search of the class path. */
    private record Listed(List<LoadableResource> resources) implements ResourceProvider {
        @Override
        public LoadableResource getResource(String name) {
            return resources.stream().filter(r -> r.getRelativePath().equals(name)).findFirst().orElse(null);
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return resources.stream()
                    .filter(r -> r.getFilename().startsWith(prefix)
                            && Arrays.stream(suffixes).anyMatch(s -> r.getFilename().endsWith(s)))
                    .toList();
        }
    }

    private static final class NoJavaMigrations implements ClassProvider<JavaMigration> {
        @Override
        public Collection<Class<? extends JavaMigration>> getClasses() {
            return List.of();
        }
    }
}
