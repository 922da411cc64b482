package dev.tta.obs.adapters.postgres;

import dev.tta.obs.domain.TraceId;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

/**
 * Listens on {@link PostgresTraceStore#CHANNEL} on a connection of its own (outside the pool, which
 * would take it back) and hands the trace ids of each notification to a consumer.
 *
 * <p>A lost connection (the server restarted, a network drop, an idle connection killed) is
 * reopened with a growing pause. Notifications sent meanwhile are gone, so after reconnecting it
 * hands over the traces that arrived since shortly before the loss (the arrival index), which the
 * consumer treats like any other change. A half-open connection that never errors is found by a
 * check every few seconds.
 */
final class ChangeListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private static final int POLL_MS = 250;
    private static final long CHECK_EVERY_NANOS = 5_000_000_000L;
    private static final long MAX_PAUSE_MS = 2_000;
    /** How far before the last sign of life a catch-up reaches: nodes' clocks stamp arrival and may differ a little. */
    private static final long CATCH_UP_MARGIN_NANOS = 10_000_000_000L;
    private static final int CATCH_UP_LIMIT = 10_000;

    private final DataSource server;
    private final String where;
    private final Consumer<List<TraceId>> changed;
    private final Thread thread;
    private volatile boolean closed;
    /** Connections opened so far, for tests that watch a reconnect. */
    private volatile int connections;

    private ChangeListener(DataSource server, String where, Consumer<List<TraceId>> changed) {
        this.server = server;
        this.where = where;
        this.changed = changed;
        this.thread = new Thread(this::run, "tta-obs-postgres-listen");
        this.thread.setDaemon(true);
    }

    static ChangeListener start(DataSource server, String where, Consumer<List<TraceId>> changed) {
        ChangeListener l = new ChangeListener(server, where, changed);
        l.thread.start();
        return l;
    }

    int connections() {
        return connections;
    }

    private void run() {
        long pauseMs = 100;
        long lastAliveWallNanos = -1;
        while (!closed) {
            try (Connection c = server.getConnection()) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + PostgresTraceStore.CHANNEL);
                }
                connections++;
                if (lastAliveWallNanos >= 0) {
                    LOG.info("listening to {} again", where);
                    catchUp(c, lastAliveWallNanos - CATCH_UP_MARGIN_NANOS);
                }
                pauseMs = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                long checkedAt = System.nanoTime();
                while (!closed) {
                    lastAliveWallNanos = wallNanos();
                    PGNotification[] received = pg.getNotifications(POLL_MS);
                    if (received != null && received.length > 0) {
                        hand(ids(received));
                    }
                    if (System.nanoTime() - checkedAt > CHECK_EVERY_NANOS) {
                        checkedAt = System.nanoTime();
                        if (!c.isValid(2)) {
                            throw new SQLException("the listening connection stopped answering", "08006");
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("lost the change notifications of {} ({}); reconnecting", where,
                        PostgresTraceStore.rootMessage(e));
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
            }
        }
    }

    private static long wallNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private void catchUp(Connection c, long sinceUnixNano) throws SQLException {
        List<TraceId> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM traces WHERE updated_ns >= ?"
                + " ORDER BY updated_ns, trace_id LIMIT " + CATCH_UP_LIMIT)) {
            ps.setLong(1, sinceUnixNano);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(TraceId.fromBytes(rs.getBytes(1)));
                }
            }
        }
        if (!ids.isEmpty()) {
            hand(ids);
        }
    }

    private void hand(List<TraceId> ids) {
        try {
            changed.accept(ids);
        } catch (RuntimeException e) {
            // the consumer's failure (e.g. a read while the server is away) must not stop listening
            LOG.debug("a change consumer failed", e);
        }
    }

    private static List<TraceId> ids(PGNotification[] received) {
        List<TraceId> ids = new ArrayList<>();
        for (PGNotification n : received) {
            for (String hex : n.getParameter().split(",")) {
                if (!hex.isEmpty()) {
                    ids.add(TraceId.of(hex));
                }
            }
        }
        return ids;
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(POLL_MS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
