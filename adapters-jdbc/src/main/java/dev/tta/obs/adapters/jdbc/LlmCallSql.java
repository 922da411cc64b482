package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.LlmCall;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.ModelName;
import dev.tta.obs.domain.query.LlmCallCursor;
import dev.tta.obs.domain.query.LlmCallPage;
import dev.tta.obs.domain.query.LlmCallSearch;
import dev.tta.obs.domain.query.LlmCallSort;
import dev.tta.obs.domain.query.LlmCallTotals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code llm_calls} table, the same SQL on SQLite and PostgreSQL: one row per LLM call,
 * written with its trace, and one index per sort whose columns end in (trace_id, span_id), so a
 * page is a walk of one index from the cursor, whatever the table's size.
 */
final class LlmCallSql {
    /** The cost sort's column: the cost, or -1 so that an unknown cost sorts below every known one. */
    private static final String COST_KEY = "cost_key";

    private static final String COLUMNS = "trace_id, span_id, start_ns, duration_ns, model, model_family, provider,"
            + " input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, total_tokens, cost_usd,"
            + " cost_status, workflow_name, service_name, failed";

    private LlmCallSql() {
    }

    /** Inserts the calls of the writes; a write that replaces a stored trace first deletes its calls. */
    static void write(Connection c, Collection<? extends WriteCalls> writes) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM llm_calls WHERE trace_id = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO llm_calls (" + COLUMNS + ", " + COST_KEY
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            boolean anyDelete = false;
            boolean anyInsert = false;
            for (WriteCalls w : writes) {
                if (w.replacesStored()) {
                    delete.setBytes(1, w.traceId().toBytes());
                    delete.addBatch();
                    anyDelete = true;
                }
                for (LlmCall call : w.calls()) {
                    bind(insert, call);
                    insert.addBatch();
                    anyInsert = true;
                }
            }
            if (anyDelete) {
                delete.executeBatch();
            }
            if (anyInsert) {
                insert.executeBatch();
            }
        }
    }

    /** A trace's calls to store, and whether calls stored for it before must go first. */
    interface WriteCalls {
        TraceId traceId();

        List<LlmCall> calls();

        boolean replacesStored();
    }

    private static void bind(PreparedStatement ps, LlmCall call) throws SQLException {
        ps.setBytes(1, call.traceId().toBytes());
        ps.setBytes(2, call.spanId().toBytes());
        ps.setLong(3, call.startTimeUnixNano());
        ps.setLong(4, call.durationNanos());
        ps.setString(5, call.model());
        ps.setString(6, call.modelFamily());
        ps.setString(7, call.provider());
        ps.setLong(8, call.inputTokens());
        ps.setLong(9, call.cachedInputTokens());
        ps.setLong(10, call.outputTokens());
        ps.setLong(11, call.reasoningTokens());
        ps.setLong(12, call.totalTokens());
        if (call.costUsd().isPresent()) {
            ps.setDouble(13, call.costUsd().get());
        } else {
            ps.setNull(13, Types.DOUBLE);
        }
        ps.setString(14, call.costStatus().name().toLowerCase(Locale.ROOT));
        ps.setString(15, call.workflowName());
        ps.setString(16, call.serviceName());
        ps.setBoolean(17, call.failed());
        ps.setDouble(18, call.costUsd().orElse(-1.0));
    }

    private static String sortKey(LlmCallSort sort) {
        return switch (sort) {
            case COST -> COST_KEY;
            case TOKENS -> "total_tokens";
            case DURATION -> "duration_ns";
            case TIME -> "start_ns";
        };
    }

    /**
     * @param steer write the column filters so that SQLite's planner, which has no statistics, walks
     *              the sort's index for every sort but cost (whose filters have indexes of their own
     *              ending in the cost): otherwise it would take a filter's index and sort all its rows
     */
    static LlmCallPage page(Connection c, LlmCallSearch search, boolean steer) throws SQLException {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        boolean timeByIndex = !steer || search.sort() == LlmCallSort.TIME || fewInWindow(c, search);
        filters(search, where, args, steer && search.sort() != LlmCallSort.COST ? "+" : "", timeByIndex ? "" : "+");
        String key = sortKey(search.sort());
        String dir = search.descending() ? "DESC" : "ASC";
        if (search.cursor().isPresent()) {
            LlmCallCursor cur = search.cursor().get();
            // a row value walks the sort's index from the cursor on both databases
            where.append(where.isEmpty() ? " WHERE " : " AND ").append('(').append(key)
                    .append(", trace_id, span_id) ").append(search.descending() ? '<' : '>').append(" (?, ?, ?)");
            args.add(search.sort() == LlmCallSort.COST ? (Object) cur.costKey() : (Object) cur.longKey());
            args.add(cur.traceId().toBytes());
            args.add(cur.spanId().toBytes());
        }
        String sql = "SELECT " + COLUMNS + " FROM llm_calls" + where + " ORDER BY " + key + " " + dir
                + ", trace_id " + dir + ", span_id " + dir + " LIMIT ?";
        args.add(search.limit() + 1);
        List<LlmCall> calls = new ArrayList<>(Math.min(search.limit() + 1, 256));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    calls.add(read(rs));
                }
            }
        }
        Optional<LlmCallCursor> next = Optional.empty();
        if (calls.size() > search.limit()) {
            calls = calls.subList(0, search.limit());
            LlmCall last = calls.get(calls.size() - 1);
            next = Optional.of(switch (search.sort()) {
                case COST -> LlmCallCursor.ofCost(last.costUsd().orElse(-1.0), last.traceId(), last.spanId());
                case TOKENS -> LlmCallCursor.ofLong(last.totalTokens(), last.traceId(), last.spanId());
                case DURATION -> LlmCallCursor.ofLong(last.durationNanos(), last.traceId(), last.spanId());
                case TIME -> LlmCallCursor.ofLong(last.startTimeUnixNano(), last.traceId(), last.spanId());
            });
        }
        return new LlmCallPage(calls, next);
    }

    /** Calls in a time window below which its rows are read through the start index and sorted. */
    private static final int SORTED_WINDOW = 5000;

    /**
     * Whether the search's time window holds few calls (counted up to {@link #SORTED_WINDOW}): then
     * they are read through the start index and sorted; a window holding more (the last hour of a
     * busy day) walks the sort's index instead, where matches come soon.
     */
    private static boolean fewInWindow(Connection c, LlmCallSearch s) throws SQLException {
        if (s.startFromUnixNano().isEmpty() && s.startToUnixNano().isEmpty()) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM llm_calls WHERE start_ns >= ?"
                + " AND start_ns <= ? LIMIT " + SORTED_WINDOW + ")")) {
            ps.setLong(1, s.startFromUnixNano().orElse(Long.MIN_VALUE));
            ps.setLong(2, s.startToUnixNano().orElse(Long.MAX_VALUE));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) < SORTED_WINDOW;
            }
        }
    }

    static LlmCallTotals totals(Connection c, LlmCallSearch search) throws SQLException {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        filters(search, where, args, "", "");
        String sql = "SELECT count(*), coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0),"
                + " coalesce(sum(output_tokens), 0), coalesce(sum(reasoning_tokens), 0),"
                + " coalesce(sum(total_tokens), 0), coalesce(sum(cost_usd), 0),"
                + " count(*) - count(cost_usd), coalesce(sum(CASE WHEN failed THEN 1 ELSE 0 END), 0),"
                + " count(DISTINCT trace_id) FROM llm_calls" + where;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new LlmCallTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getDouble(7), rs.getLong(8), rs.getLong(9), rs.getLong(10));
            }
        }
    }

    /**
     * @param hint     put before a filtered column ({@code +} keeps SQLite from choosing its index)
     * @param timeHint the same for the time window
     */
    private static void filters(LlmCallSearch s, StringBuilder where, List<Object> args, String hint,
                                String timeHint) {
        List<String> parts = new ArrayList<>();
        s.traceId().ifPresent(id -> {
            parts.add("trace_id = ?");
            args.add(id.toBytes());
        });
        s.model().ifPresent(m -> {
            String f = m.toLowerCase(Locale.ROOT);
            // the rule of ModelName.matchesFilter: a family finds its snapshots, any other name itself
            // (a name is in its own family: its family narrows through the index first)
            parts.add(hint + "model_family = ?");
            args.add(ModelName.canonical(f));
            if (!ModelName.isFamily(f)) {
                parts.add("lower(model) = ?");
                args.add(f);
            }
        });
        s.provider().ifPresent(p -> {
            parts.add(hint + "provider = ?");
            args.add(ModelName.canonicalProvider(p));
        });
        s.workflow().ifPresent(w -> {
            parts.add(hint + "workflow_name = ?");
            args.add(w);
        });
        s.service().ifPresent(v -> {
            parts.add(hint + "service_name = ?");
            args.add(v);
        });
        s.startFromUnixNano().ifPresent(v -> {
            parts.add(timeHint + "start_ns >= ?");
            args.add(v);
        });
        s.startToUnixNano().ifPresent(v -> {
            parts.add(timeHint + "start_ns <= ?");
            args.add(v);
        });
        s.failed().ifPresent(f -> {
            parts.add("failed = ?");
            args.add(f);
        });
        if (!parts.isEmpty()) {
            where.append(" WHERE ").append(String.join(" AND ", parts));
        }
    }

    private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof byte[] b) {
                ps.setBytes(i + 1, b);
            } else if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Double d) {
                ps.setDouble(i + 1, d);
            } else if (a instanceof Boolean b) {
                ps.setBoolean(i + 1, b);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    private static LlmCall read(ResultSet rs) throws SQLException {
        double cost = rs.getDouble(13);
        Optional<Double> costUsd = rs.wasNull() ? Optional.empty() : Optional.of(cost);
        return new LlmCall(TraceId.fromBytes(rs.getBytes(1)), SpanId.fromBytes(rs.getBytes(2)), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
                rs.getLong(12), costUsd, costStatus(rs.getString(14)), rs.getLong(3), rs.getLong(4),
                rs.getString(15), rs.getString(16), rs.getBoolean(17));
    }

    private static CostStatus costStatus(String s) {
        try {
            return CostStatus.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return CostStatus.UNPRICED;
        }
    }
}
