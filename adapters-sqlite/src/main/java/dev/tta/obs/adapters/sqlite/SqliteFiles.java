package dev.tta.obs.adapters.sqlite;

import org.sqlite.SQLiteConfig;

import java.nio.file.Path;

/** How every connection to the database file is opened: spans and telemetry share one file. */
final class SqliteFiles {
    private SqliteFiles() {
    }

    static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /**
     * For a connection that must not change any file: when the {@code -shm} file exists (a service
     * has the file open, or left it), it is mapped read-only, so that not even SQLite's shared
     * index of the log or its read marks are written; SQLite then reads the log itself where that
     * index cannot be trusted. Without one, SQLite creates it (see {@link SqliteSidecars}).
     */
    static String readOnlyUrl(Path file) {
        return "jdbc:sqlite:" + readOnlyTarget(file);
    }

    /** {@link #readOnlyUrl} without the driver's prefix, as ATTACH takes it. */
    static String readOnlyTarget(Path file) {
        Path abs = file.toAbsolutePath();
        if (java.nio.file.Files.exists(abs.resolveSibling(abs.getFileName() + "-shm"))) {
            return abs.toUri() + "?readonly_shm=1";
        }
        return abs.toString();
    }

    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    static SQLiteConfig config(boolean readOnly) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode: a commit survives the process being killed; only an OS crash or power
        // cut can lose the last commits. FULL would fsync on every commit and halve ingest.
        c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        c.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // Page cache per connection (8 connections: two writers, the checkpointer, five readers), in KiB. Resident memory
        // is a target (under 512 MB at a million spans), and the operating system's file cache serves
        // re-reads as well, so each connection keeps only its hot pages: the writer's index pages,
        // a reader's recent traces. Memory-mapped reads are off for the same reason: every mapping
        // counts its touched pages as the process's resident memory again.
        c.setCacheSize(readOnly ? -8_000 : -16_000);
        c.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, "0");
        // the WAL is reused, not shrunk, after a checkpoint; cap what it keeps so a burst does not
        // leave a large file behind for good. The cap is the span writer's backstop (a log never
        // grows past it in steady use): below the length at which the log restarts, every restart
        // under load cut the file and the next commits grew it again, paying for the file system's
        // block allocation several times a second.
        c.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT,
                String.valueOf((long) WalCheckpointer.WRITER_CHECKPOINT_PAGES * 4096));
        c.setReadOnly(readOnly);
        return c;
    }
}
