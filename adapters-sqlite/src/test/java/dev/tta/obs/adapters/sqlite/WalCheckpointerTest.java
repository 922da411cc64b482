package dev.tta.obs.adapters.sqlite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WalCheckpointerTest {
    private static final int TRANSACTIONS = 400;
    private static final int ROWS_PER_TRANSACTION = 20;
    private static final int RESTART_PAGES = 200;

    @TempDir
    Path dir;

    /** What the writer does under steady load: random-key inserts, one commit after another. */
    private long writeSteadily(Path file, WalCheckpointer checkpointer, Object writeLock) throws Exception {
        return writeSteadily(file, checkpointer, writeLock, 42);
    }

    private long writeSteadily(Path file, WalCheckpointer checkpointer, Object writeLock, long seed) throws Exception {
        long largestLog = 0;
        Path wal = Path.of(file + "-wal");
        try (Connection writer = SqliteFiles.config(false).createConnection(SqliteFiles.url(file))) {
            try (Statement st = writer.createStatement()) {
                // only the background thread may restart the log: no checkpoints by the writer
                st.execute("PRAGMA wal_autocheckpoint = 0");
            }
            writer.setAutoCommit(false);
            Random random = new Random(seed);
            for (int t = 0; t < TRANSACTIONS; t++) {
                synchronized (writeLock) {
                    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO rows (k, v) VALUES (?, ?)")) {
                        for (int r = 0; r < ROWS_PER_TRANSACTION; r++) {
                            byte[] key = new byte[16];
                            random.nextBytes(key);
                            ps.setBytes(1, key);
                            ps.setBytes(2, new byte[300]);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    writer.commit();
                }
                if (checkpointer != null) {
                    checkpointer.committed();
                }
                largestLog = Math.max(largestLog, Files.size(wal));
                Thread.sleep(2);
            }
        }
        return largestLog;
    }

    private static void createTable(Path file) throws SQLException {
        try (Connection c = SqliteFiles.config(false).createConnection(SqliteFiles.url(file));
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE rows (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
        }
    }

    private static long rows(Path file) throws SQLException {
        try (Connection c = SqliteFiles.config(true).createConnection(SqliteFiles.url(file));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM rows")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The log's length in pages, as a checkpoint that copies nothing reports it. */
    private static int logPages(Path file) throws SQLException {
        try (Connection c = SqliteFiles.config(false).createConnection(SqliteFiles.url(file));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(NOOP)")) {
            rs.next();
            return rs.getInt(2);
        }
    }

    @Test
    void underSteadyCommits_theLogIsCopiedAndRestartedBesideTheWriter_andStaysShort() throws Exception {
        Path without = dir.resolve("without.sqlite");
        createTable(without);
        long unbounded = writeSteadily(without, null, new Object());

        Path with = dir.resolve("with.sqlite");
        createTable(with);
        Object writeLock = new Object();
        long largest;
        try (WalCheckpointer checkpointer = new WalCheckpointer(
                SqliteFiles.config(false).createConnection(SqliteFiles.url(with)), with, writeLock,
                "test-checkpointer", RESTART_PAGES)) {
            largest = writeSteadily(with, checkpointer, writeLock);
        }

        // without it, every commit's pages pile up in the log: the control shows the test can fail
        assertThat(unbounded).isGreaterThan(8L * RESTART_PAGES * 4096);
        assertThat(largest).as("largest log with background checkpoints, vs %d without", unbounded)
                .isLessThan(unbounded / 3);
        assertThat(rows(with)).isEqualTo((long) TRANSACTIONS * ROWS_PER_TRANSACTION);
    }

    @Test
    void onceCommitsStop_theLogIsCopiedAndTheFileCutToNothing() throws Exception {
        Path file = dir.resolve("idle.sqlite");
        createTable(file);
        Path wal = Path.of(file + "-wal");
        Object writeLock = new Object();
        try (WalCheckpointer checkpointer = new WalCheckpointer(
                SqliteFiles.config(false).createConnection(SqliteFiles.url(file)), file, writeLock,
                "test-checkpointer-idle", 1_000_000)) {
            long largest = writeSteadily(file, checkpointer, writeLock);
            assertThat(largest).as("the log while commits come").isGreaterThan(1024L * 1024);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(wal) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.size(wal)).as("log bytes once idle").isZero();
        }
        assertThat(rows(file)).isEqualTo((long) TRANSACTIONS * ROWS_PER_TRANSACTION);
    }

    @Test
    void closing_stopsTheThread_evenWhileCommitsKeepComing() throws Exception {
        Path file = dir.resolve("close.sqlite");
        createTable(file);
        Object writeLock = new Object();
        WalCheckpointer checkpointer = new WalCheckpointer(
                SqliteFiles.config(false).createConnection(SqliteFiles.url(file)), file, writeLock,
                "test-checkpointer-close", RESTART_PAGES);
        checkpointer.committed();
        long start = System.nanoTime();
        checkpointer.close();
        checkpointer.committed();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to close").isLessThan(5_000);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("test-checkpointer-close"));
    }

    /** A checkpoint that fails (the disk is full: the database file cannot grow) is tried again later, not given up. */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void afterACheckpointFailsForLackOfSpace_checkpointsResumeOnceThereIsRoom() throws Exception {
        try (dev.tta.obs.ports.contract.SmallDisk disk = dev.tta.obs.ports.contract.SmallDisk.mount(dir.resolve("disk"), 96)) {
            Path file = disk.dir.resolve("full.sqlite");
            createTable(file);
            Object writeLock = new Object();
            try (WalCheckpointer checkpointer = new WalCheckpointer(
                    SqliteFiles.config(false).createConnection(SqliteFiles.url(file)), file, writeLock,
                    "test-checkpointer-full", RESTART_PAGES)) {
                // pages in the log that the database file has no room for yet
                writeSteadily(file, null, writeLock);
                int firstRound = logPages(file);
                Path filler = disk.dir.resolve("filler");
                disk.fill(filler);
                checkpointer.committed();
                Thread.sleep(500);
                disk.free(filler);

                writeSteadily(file, checkpointer, writeLock, 43);
                // the log of both rounds when the thread gave up; restarted (shorter than one round) when it resumed
                assertThat(logPages(file)).as("pages in the log at the end, vs %d after the first round", firstRound)
                        .isLessThan(firstRound / 2);
                assertThat(rows(file)).isEqualTo(2L * TRANSACTIONS * ROWS_PER_TRANSACTION);
            }
        }
    }
}
