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
 * restarts the log. Under heavy load the log runs long before that, so that a page many commits
 * dirty is copied once; under light load it restarts sooner, and once nothing has been written for
 * a second the file is cut to nothing.
 *
 * <p>Should this thread fall behind or stop, the span writer's own checkpoint at
 * {@link #WRITER_CHECKPOINT_PAGES} still bounds the log, as SQLite's default does at 1,000.
 * (The metrics and logs writer keeps that default: its rare commits may then run a checkpoint.)
 */
final class WalCheckpointer implements AutoCloseable {
    /** The span writer's own checkpoint, a backstop: ~96 MB of log. */
    static final int WRITER_CHECKPOINT_PAGES = 24_000;
    /**
     * When this thread starts finishing the log under heavy load (40 MB): a page that many commits
     * dirty between two restarts (the random-key b-trees' leaves) is then written to the database
     * file once. Commits keep landing meanwhile, so the log is longer by the time it restarts.
     */
    static final int RESTART_PAGES = 10_000;
    /**
     * When a log older than {@link #SLOW_LOG_NANOS} is finished (12 MB): under light load a long log
     * saves little copying, and would only keep the file large.
     */
    private static final int SLOW_RESTART_PAGES = 3_000;
    private static final long SLOW_LOG_NANOS = 2_000_000_000L;
    /** The log unchanged for this long: it is copied and the file cut, so an idle store is its database file alone. */
    private static final long IDLE_NANOS = 1_000_000_000L;
    /** Few enough pages to copy under the writer's lock: about two commits of 500 spans. */
    private static final int FINAL_ROUND_PAGES = 800;
    private static final int MAX_UNLOCKED_ROUNDS = 2;
    private static final int TRUNCATE_BUSY_MILLIS = 200;
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
            // the log's length when it last changed, and when: a commit that wrote nothing (a
            // retention pass with nothing to remove) is no activity
            int logPages = 0;
            long changed = System.nanoTime();
            long logStarted = changed;
            for (Wake wake; (wake = awaitCommit(logPages > 0 ? changed + IDLE_NANOS : 0)) != Wake.CLOSED; ) {
                try {
                    Progress p = checkpoint(st);
                    if (p.logPages() != logPages) {
                        logPages = p.logPages();
                        changed = System.nanoTime();
                    }
                    if (wake == Wake.IDLE) {
                        // tried again a while later if readers kept it from finishing, or it failed
                        changed = System.nanoTime();
                        logStarted = changed;
                        logPages = truncateLog(st, database, p) ? 0 : logPages;
                    } else if (p.logPages() >= restartPages || p.logPages() >= Math.min(restartPages, SLOW_RESTART_PAGES)
                            && System.nanoTime() - logStarted > SLOW_LOG_NANOS) {
                        finishLog(st, database, p);
                        logStarted = System.nanoTime();
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
        copyUnlocked(st, database, p);
        synchronized (writeLock) {
            checkpoint(st);
        }
    }

    /**
     * Copies the log and cuts the file to nothing. Readers still reading from the log make it wait;
     * it waits briefly (the writer waits with it) and is tried again at the next idle moment.
     *
     * @return whether the log is gone
     */
    private boolean truncateLog(Statement st, FileChannel database, Progress p) throws SQLException, IOException {
        if (p.logPages() == 0) {
            return true;
        }
        copyUnlocked(st, database, p);
        synchronized (writeLock) {
            st.execute("PRAGMA busy_timeout = " + TRUNCATE_BUSY_MILLIS);
            try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
                return rs.getInt(1) == 0;
            } finally {
                st.execute("PRAGMA busy_timeout = " + SqliteFiles.BUSY_TIMEOUT_MILLIS);
            }
        }
    }

    private void copyUnlocked(Statement st, FileChannel database, Progress p) throws SQLException, IOException {
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

    private enum Wake { COMMIT, IDLE, CLOSED }

    /** @param idleAt when to wake without a commit ({@link System#nanoTime()}), 0 for never */
    private Wake awaitCommit(long idleAt) throws InterruptedException {
        synchronized (signal) {
            while (!committed && !closed) {
                if (idleAt == 0) {
                    signal.wait();
                    continue;
                }
                long left = (idleAt - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return Wake.IDLE;
                }
                signal.wait(left);
            }
            committed = false;
            return closed ? Wake.CLOSED : Wake.COMMIT;
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
