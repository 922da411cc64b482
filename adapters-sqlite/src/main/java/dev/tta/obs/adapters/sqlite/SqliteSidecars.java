package dev.tta.obs.adapters.sqlite;

import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code -wal} and {@code -shm} files beside a database in WAL mode. A read-only connection
 * creates them when they are missing (the file was closed cleanly) and cannot remove them: only
 * the last connection to close, and only a read-write one, checkpoints and deletes them. So a
 * read-only open that found none has SQLite itself remove them again at the end.
 */
final class SqliteSidecars {
    private SqliteSidecars() {
    }

    static boolean present(Path db) {
        return Files.exists(sibling(db, "-wal")) || Files.exists(sibling(db, "-shm"));
    }

    /**
     * Opens and closes one read-write connection after every read-only one closed: when no other
     * process has the file open, SQLite's close checkpoints the empty log (writing nothing to the
     * database) and deletes both files; when another process has it open, it leaves them to it.
     */
    static void removeCreated(Path db) {
        if (!present(db)) {
            return;
        }
        try (Connection c = new SQLiteConfig().createConnection(SqliteFiles.url(db));
             Statement st = c.createStatement()) {
            st.executeQuery("SELECT count(*) FROM sqlite_master").close();
        } catch (SQLException ignored) {
            // read-only files: the two files stay, as SQLite left them
        }
    }

    private static Path sibling(Path db, String suffix) {
        return db.resolveSibling(db.getFileName() + suffix);
    }
}
