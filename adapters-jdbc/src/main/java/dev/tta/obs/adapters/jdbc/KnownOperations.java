package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.Span;
import dev.tta.obs.ports.out.TraceWrite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The (service, span name) pairs a store has written to its operations table, so a write inserts
 * only the new ones. A chunk's own pairs are collected on its request thread
 * ({@link #of}); the writer thread only checks a few per trace against this set. Bounded: past
 * {@link #MAX} pairs it stops remembering, and the table's own conflict rule keeps rows unique.
 */
public final class KnownOperations {
    static final int MAX = 100_000;

    public record Operation(String service, String spanName) {
    }

    private final Set<Operation> known = new HashSet<>();

    /** The distinct operations of {@code spans}, in first-seen order. */
    static Set<Operation> of(List<Span> spans) {
        Set<Operation> out = new LinkedHashSet<>();
        Operation last = null;
        for (Span s : spans) {
            // a trace's spans mostly come from one service, so the previous pair often matches
            if (last == null || !last.spanName().equals(s.name()) || !last.service().equals(s.serviceName())) {
                last = new Operation(s.serviceName(), s.name());
                out.add(last);
            }
        }
        return out;
    }

    /** The operations of {@code writes} not written before, each once; call {@link #written} after the commit. */
    public Set<Operation> newIn(List<TraceWrite<EncodedChunk>> writes) {
        Set<Operation> out = new LinkedHashSet<>();
        for (TraceWrite<EncodedChunk> w : writes) {
            for (Operation op : w.encoded().operations()) {
                if (!known.contains(op)) {
                    out.add(op);
                }
            }
        }
        return out;
    }

    /**
     * Inserts {@code operations} with {@code insert}, a statement taking (service, span name) that
     * ignores pairs already in the table.
     */
    public static void insert(PreparedStatement insert, Set<Operation> operations) throws SQLException {
        if (operations.isEmpty()) {
            return;
        }
        for (Operation op : operations) {
            insert.setString(1, op.service());
            insert.setString(2, op.spanName());
            insert.addBatch();
        }
        insert.executeBatch();
    }

    public void written(Set<Operation> operations) {
        if (known.size() + operations.size() <= MAX) {
            known.addAll(operations);
        }
    }

    /** After the table was emptied. */
    public void clear() {
        known.clear();
    }
}
