package dev.tta.obs.adapters.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Copies the write-ahead log into the database file on a thread of its own, so that the single
 * writer, and every export waiting for its commit, no longer pays for it.
 *
 * <p>Left to SQLite, the commit that takes the log past 1,000 pages runs the checkpoint: it copies
 * those pages into the database file and waits for them to reach the disk. With SDK-like random
 * trace ids that happened every few commits and made those commits several times longer than the
 * others, most of the writer's time (measured in docs/performance.md). Here {@code PASSIVE}
 * checkpoints run beside the writer's commits (SQLite lets one checkpointer and one writer work at
 * once).
 *
 * <p>The log starts again from its beginning only when a commit finds it wholly copied and the
 * copy on disk, which under steady load (a commit lands during every checkpoint) never happens by
 * itself. So once the log passes {@link #RESTART_PAGES}, this thread finishes it: it copies and
 * flushes to disk, without the writer's lock, until only a commit or two is left, and then copies
 * that under the lock: the writer then waits for a short copy once per restart, not for flushing
 * a whole log's pages, which SQLite does only when the log is wholly copied. The next commit
 * restarts the log.
 *
 * <p>Should this thread fall behind or stop, the span writer's own checkpoint at
 * {@link #WRITER_CHECKPOINT_PAGES} still bounds the log, as SQLite's default does at 1,000.
 * (The metrics and logs writer keeps that default: its rare commits may then run a checkpoint.)
 */
final class WalCheckpointer implements AutoCloseable {
    /** The span writer's own checkpoint, a backstop: ~64 MB of log. */
    static final int WRITER_CHECKPOINT_PAGES = 16_000;
    /**
     * When this thread starts finishing the log (12 MB). Commits keep landing meanwhile, so under
     * heavy load the log is longer by the time it restarts, and reaches the backstop now and then.
     */
    static final int RESTART_PAGES = 3_000;
    /** Few enough pages to copy under the writer's lock: about two commits of 500 spans. */
    private static final int FINAL_ROUND_PAGES = 800;
    private static final int MAX_UNLOCKED_ROUNDS = 2;
    /**
     * The least time between two checkpoints: a page that several commits in a row rewrite (the
     * b-trees' inner pages, the appended ends of the time-ordered indexes) is then copied once.
     * Much longer pauses let the log reach the backstop, and the writer checkpoints again
     * (docs/performance.md compares the intervals tried).
     */
    private static final long MIN_INTERVAL_MILLIS = 100;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WalCheckpointer.class);

    private final Connection connection;
    private final Path databaseFile;
    private final int restartPages;
    private final Object writeLock;
    private final Thread thread;
    private final Object signal = new Object();
    private boolean committed;
    private boolean closed;

    /**
     * @param connection   a connection of its own to {@code databaseFile}; closed with this
     * @param writeLock    held by the writer for each transaction
     * @param restartPages the log's length, in pages, at which it is finished and restarted
     */
    WalCheckpointer(Connection connection, Path databaseFile, Object writeLock, String threadName, int restartPages) {
        this.connection = connection;
        this.databaseFile = databaseFile;
        this.restartPages = restartPages;
        this.writeLock = writeLock;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Called after each commit to the file; never waits for a checkpoint. */
    void committed() {
        synchronized (signal) {
            if (!committed) {
                committed = true;
                signal.notify();
            }
        }
    }

    private void run() {
        try (Statement st = connection.createStatement();
             FileChannel database = FileChannel.open(databaseFile, StandardOpenOption.WRITE)) {
            boolean failing = false;
            while (awaitCommit()) {
                try {
                    Progress p = checkpoint(st);
                    if (p.logPages() >= restartPages) {
                        finishLog(st, database, p);
                    }
                    if (failing) {
                        LOG.info("background checkpoints of {} work again", databaseFile);
                        failing = false;
                    }
                } catch (SQLException | IOException e) {
                    // a full disk or an I/O error: tried again after the next commit, so the log
                    // stays bounded once the cause is gone (the writer's own checkpoint bounds it meanwhile)
                    if (!failing) {
                        LOG.warn("background checkpoint of {} failed, will retry: {}", databaseFile, e.getMessage());
                        failing = true;
                    }
                }
                pause();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | IOException e) {
            // the writer's own checkpoint still bounds the log; only speed is lost
            LOG.warn("background checkpoints of {} stopped: {}", databaseFile, e.getMessage());
        }
    }

    private void finishLog(Statement st, FileChannel database, Progress p) throws SQLException, IOException {
        for (int round = 0; round < MAX_UNLOCKED_ROUNDS; round++) {
            int copiedBefore = p.copiedPages();
            // the pages copied so far go to disk now, not inside the final checkpoint under the lock
            database.force(false);
            p = checkpoint(st);
            if (p.copiedPages() - copiedBefore <= FINAL_ROUND_PAGES) {
                break;
            }
        }
        database.force(false);
        synchronized (writeLock) {
            checkpoint(st);
        }
    }

    private record Progress(int logPages, int copiedPages) {
    }

    private static Progress checkpoint(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
            return new Progress(rs.getInt(2), rs.getInt(3));
        }
    }

    private void pause() throws InterruptedException {
        long until = System.nanoTime() + MIN_INTERVAL_MILLIS * 1_000_000;
        synchronized (signal) {
            for (long left = MIN_INTERVAL_MILLIS; !closed && left > 0; left = (until - System.nanoTime()) / 1_000_000) {
                signal.wait(left);
            }
        }
    }

    private boolean awaitCommit() throws InterruptedException {
        synchronized (signal) {
            while (!committed && !closed) {
                signal.wait();
            }
            committed = false;
            return !closed;
        }
    }

    /**
     * Stops the thread once its checkpoint in progress ends; the caller's checkpoint on close copies
     * whatever is left. Must not be called holding the write lock, which that checkpoint may need.
     */
    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing; nothing left to do with a failure
        }
    }
}
