package dev.tta.obs.adapters.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The partitions of {@code span_chunks} (V9): one per arrival day, {@code span_chunks_d<day>}
 * covering {@code [day, day + 1)}, created by the first write of that day; and
 * {@code span_chunks_legacy}, the chunks stored before V9, covering every earlier day.
 */
final class ChunkPartitions {
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    /** The bigint advisory lock key of adding a partition: two nodes on a new day add it once. */
    private static final long ADD_LOCK = 0x7474_612d_7061_7274L;
    private static final Pattern BOUNDS = Pattern.compile("FROM \\((MINVALUE|'?-?\\d+'?)\\) TO \\('?(-?\\d+)'?\\)");
    /** Same as the toast_tuple_target of V1's table: a partitioned parent cannot carry storage parameters. */
    private static final String STORAGE = " WITH (toast_tuple_target = 8160)";

    /** A partition and the arrival days it covers, {@code [fromDay, toDay)}; {@code fromDay} is MIN_VALUE for MINVALUE. */
    record Partition(String name, int fromDay, int toDay) {
        boolean covers(int day) {
            return day >= fromDay && day < toDay;
        }

        /** The days it covers that a write may have cached, i.e. a daily partition's one day. */
        List<Integer> days() {
            return fromDay == Integer.MIN_VALUE ? List.of() : IntStream.range(fromDay, toDay).boxed().toList();
        }
    }

    /** Days this process knows to have a partition, so a write checks the catalog once a day, not per commit. */
    private final Set<Integer> known = ConcurrentHashMap.newKeySet();

    static int day(long unixNano) {
        return (int) Math.floorDiv(unixNano, NANOS_PER_DAY);
    }

    boolean known(int day) {
        return known.contains(day);
    }

    /** After this process dropped partitions. */
    void forget(Collection<Integer> days) {
        known.removeAll(days);
    }

    /** Another node dropped the partition a write needed (SQLSTATE 23514, no partition for the row): look again next time. */
    void forgetOnMissingPartition(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "23514".equals(sql.getSQLState())) {
                known.clear();
                return;
            }
        }
    }

    List<Partition> list(Connection c) throws SQLException {
        List<Partition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)"
                + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 'span_chunks'::regclass");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Matcher m = BOUNDS.matcher(rs.getString(2));
                if (m.find()) {
                    String from = m.group(1).replace("'", "");
                    out.add(new Partition(rs.getString(1),
                            from.equals("MINVALUE") ? Integer.MIN_VALUE : Integer.parseInt(from),
                            Integer.parseInt(m.group(2))));
                }
            }
        }
        return out;
    }

    /**
     * Adds the day's partition unless one covers it, in the caller's transaction.
     *
     * @return whether it added one
     */
    boolean ensure(Connection c, int day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, ADD_LOCK);
            ps.executeQuery().close();
        }
        boolean added = false;
        if (list(c).stream().noneMatch(p -> p.covers(day))) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + name(day) + " PARTITION OF span_chunks FOR VALUES FROM (" + day
                        + ") TO (" + (day + 1) + ")" + STORAGE);
            }
            added = true;
        }
        known.add(day);
        return added;
    }

    /**
     * Merges the GIN pending lists of every partition into their indexes. Once the next day's
     * partition exists a day's gets few new rows, and autovacuum cleans a table only after enough
     * new rows, so the last entries of a day (up to {@code gin_pending_list_limit} per index) could
     * stay in its pending lists for good, and a search that starts from a term's chunks reads every
     * partition's pending list in full. Needs to own the indexes.
     *
     * @return the pending-list pages merged
     */
    long cleanPendingLists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(gin_clean_pending_list(x.indexrelid)), 0)"
                + " FROM pg_inherits p JOIN pg_index x ON x.indrelid = p.inhrelid"
                + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam"
                + " WHERE p.inhparent = 'span_chunks'::regclass AND a.amname = 'gin'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String name(int day) {
        return "span_chunks_d" + (day < 0 ? "m" + -(long) day : Integer.toString(day));
    }

    /**
     * Moves the chunks of {@code p} whose trace is still stored to the partition of that trace's last
     * arrival (added if need be), where they will expire together with the trace's newer chunks.
     */
    void moveKeptChunks(Connection c, Partition p) throws SQLException {
        List<Integer> days = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT floor(t.updated_ns / " + NANOS_PER_DAY
                + "::numeric)::integer FROM " + p.name() + " c JOIN traces t ON t.trace_id = c.trace_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                days.add(rs.getInt(1));
            }
        }
        if (days.isEmpty()) {
            return;
        }
        for (int day : days) {
            if (p.covers(day)) {
                // cannot happen for an expired partition (its traces' last arrival is before the cutoff)
                throw new SQLException("partition " + p.name() + " holds a trace that arrived on day " + day);
            }
            ensure(c, day);
        }
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO span_chunks (trace_id, span_count, spans, terms, exact, arrived_day)"
                    + " SELECT c.trace_id, c.span_count, c.spans, c.terms, c.exact, floor(t.updated_ns / " + NANOS_PER_DAY
                    + "::numeric)::integer FROM " + p.name() + " c JOIN traces t ON t.trace_id = c.trace_id");
        }
    }

    void drop(Connection c, Partition p) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + p.name());
        }
    }
}
