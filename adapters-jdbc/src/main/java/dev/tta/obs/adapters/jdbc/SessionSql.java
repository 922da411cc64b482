package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.query.SessionCursor;
import dev.tta.obs.domain.query.SessionPage;
import dev.tta.obs.domain.query.SessionSearch;
import dev.tta.obs.domain.query.SessionSort;
import dev.tta.obs.domain.session.SessionSummary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sessions as SQL, the same for both stores: the {@code traces} rows grouped by {@code session_id}
 * (its partial index), keyset-paged on (aggregate sort key, session id).
 */
final class SessionSql {
    private static final String AGGREGATES = "session_id, max(user_id), count(*), min(start_ns), max(end_ns),"
            + " sum(input_tokens), sum(output_tokens), sum(cost_usd), count(cost_usd),"
            + " sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END),"
            + " sum(CASE WHEN outcome = 'recovered' THEN 1 ELSE 0 END)";

    private SessionSql() {
    }

    static SessionPage search(Connection c, SessionSearch search) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder inner = new StringBuilder("SELECT session_id FROM traces WHERE session_id IS NOT NULL");
        boolean filtered = false;
        if (search.startFromUnixNano().isPresent()) {
            inner.append(" AND start_ns >= ?");
            args.add(search.startFromUnixNano().get());
            filtered = true;
        }
        if (search.startToUnixNano().isPresent()) {
            inner.append(" AND start_ns <= ?");
            args.add(search.startToUnixNano().get());
            filtered = true;
        }
        filtered |= eq(inner, args, "service_name", search.serviceName());
        filtered |= eq(inner, args, "root_name", search.workflow());
        filtered |= eq(inner, args, "user_id", search.userId());
        String key = switch (search.sort()) {
            case NEWEST -> "max(start_ns)";
            case OLDEST -> "min(start_ns)";
            case DURATION -> "max(end_ns) - min(start_ns)";
            case COST -> "coalesce(sum(cost_usd), -1.0)";
            case TURNS -> "count(*)";
        };
        boolean asc = search.sort() == SessionSort.OLDEST;
        boolean cost = search.sort() == SessionSort.COST;
        StringBuilder sql = new StringBuilder("SELECT ").append(AGGREGATES).append(", ").append(key)
                .append(" FROM traces WHERE ");
        // a session matches when one of its traces does; its numbers are over all of them
        sql.append(filtered ? "session_id IN (" + inner + ")" : "session_id IS NOT NULL");
        sql.append(" GROUP BY session_id HAVING 1 = 1");
        search.status().ifPresent(st -> sql.append(switch (st) {
            case FAILED -> " AND sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) > 0";
            case RECOVERED -> " AND sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) = 0"
                    + " AND sum(CASE WHEN outcome = 'recovered' THEN 1 ELSE 0 END) > 0";
            case OK -> " AND sum(CASE WHEN outcome IN ('failed', 'recovered') THEN 1 ELSE 0 END) = 0";
        }));
        if (search.cursor().isPresent()) {
            SessionCursor after = search.cursor().get();
            sql.append(" AND (").append(key).append(", session_id) ").append(asc ? ">" : "<").append(" (?, ?)");
            // not `cost ? double : long`: that expression is a double, and a nanosecond time past 2^53
            // bound as one rounds, so the page after repeated (or skipped) the cursor's own session
            if (cost) {
                args.add(Double.longBitsToDouble(after.sortKey()));
            } else {
                args.add(after.sortKey());
            }
            args.add(after.sessionId());
        }
        String dir = asc ? " ASC" : " DESC";
        sql.append(" ORDER BY ").append(key).append(dir).append(", session_id").append(dir).append(" LIMIT ?");
        args.add(search.limit() + 1);
        List<SessionSummary> out = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                    keys.add(cost ? Double.doubleToLongBits(rs.getDouble(12)) : rs.getLong(12));
                }
            }
        }
        Optional<SessionCursor> next = Optional.empty();
        if (out.size() > search.limit()) {
            out = new ArrayList<>(out.subList(0, search.limit()));
            SessionSummary last = out.get(out.size() - 1);
            next = Optional.of(new SessionCursor(keys.get(search.limit() - 1), last.sessionId()));
        }
        return new SessionPage(out, next);
    }

    static Optional<SessionSummary> one(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AGGREGATES
                + " FROM traces WHERE session_id = ? GROUP BY session_id")) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static boolean eq(StringBuilder where, List<Object> args, String column, Optional<String> value) {
        value.ifPresent(v -> {
            where.append(" AND ").append(column).append(" = ?");
            args.add(v);
        });
        return value.isPresent();
    }

    private static SessionSummary read(ResultSet rs) throws SQLException {
        int failed = rs.getInt(10);
        int recovered = rs.getInt(11);
        RunOutcome status = failed > 0 ? RunOutcome.FAILED : recovered > 0 ? RunOutcome.RECOVERED : RunOutcome.OK;
        double cost = rs.getDouble(8);
        boolean priced = rs.getLong(9) > 0;
        return new SessionSummary(rs.getString(1), Optional.ofNullable(rs.getString(2)), rs.getInt(3), rs.getLong(4),
                rs.getLong(5), rs.getLong(6), rs.getLong(7), priced ? Optional.of(cost) : Optional.empty(), failed,
                status);
    }
}
