package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.feedback.EvaluationEvents;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.domain.feedback.FeedbackPolarity;
import dev.tta.obs.domain.feedback.NewFeedback;
import dev.tta.obs.domain.query.FeedbackFilter;
import dev.tta.obs.domain.query.TraceSearch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/** The {@code feedback} table, the same SQL for both stores. */
final class FeedbackSql {
    static final String COLUMNS = "feedback_id, trace_id, span_id, name, score, label, comment, source, created_ns,"
            + " origin";
    private static final String INSERT = "INSERT INTO feedback (trace_id, span_id, name, score, label, comment,"
            + " source, created_ns, polarity, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private FeedbackSql() {
    }

    /** Stores the feedback; the trace must be stored (the caller checked, in the same transaction). */
    static long insert(Connection c, NewFeedback f, long createdAtUnixNano) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT + " RETURNING feedback_id")) {
            bind(ps, f, createdAtUnixNano);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Stores the feedback of evaluation events (on new spans, or log records); an event stored
     * before (a resent span or log) is skipped through the unique (trace, origin) index.
     */
    static void insertOnce(Connection c, List<NewFeedback> feedback, long arrivedUnixNano) throws SQLException {
        if (feedback.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT + " ON CONFLICT DO NOTHING")) {
            for (NewFeedback f : feedback) {
                bind(ps, f, arrivedUnixNano);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, NewFeedback f, long createdAtUnixNano) throws SQLException {
        ps.setBytes(1, f.traceId().toBytes());
        if (f.spanId().isPresent()) {
            ps.setBytes(2, f.spanId().get().toBytes());
        } else {
            ps.setNull(2, Types.BINARY);
        }
        ps.setString(3, f.name());
        if (f.score().isPresent()) {
            ps.setDouble(4, f.score().get());
        } else {
            ps.setNull(4, Types.DOUBLE);
        }
        ps.setString(5, f.label().orElse(null));
        ps.setString(6, f.comment().orElse(null));
        ps.setString(7, f.source());
        ps.setLong(8, createdAtUnixNano);
        ps.setInt(9, f.polarity().sign);
        ps.setString(10, f.origin().orElse(null));
    }

    /** A row of {@link #COLUMNS}. */
    static Feedback read(ResultSet rs) throws SQLException {
        byte[] span = rs.getBytes(3);
        double score = rs.getDouble(5);
        Optional<Double> s = rs.wasNull() ? Optional.empty() : Optional.of(score);
        return new Feedback(rs.getLong(1), TraceId.fromBytes(rs.getBytes(2)),
                span == null ? Optional.empty() : Optional.of(SpanId.fromBytes(span)), rs.getString(4), s,
                Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), rs.getString(8),
                rs.getLong(9), rs.getString(10) != null && EvaluationEvents.onItsSpan(rs.getString(10)));
    }

    /** The search's feedback and score filters, as predicates on the trace id column {@code id}. */
    static void filters(TraceSearch search, String id, StringBuilder where, List<Object> args) {
        Optional<FeedbackFilter> filter = search.feedback();
        boolean scored = search.scoreBelow().isPresent() || search.scoreAbove().isPresent();
        if (filter.isEmpty() && !scored) {
            return;
        }
        FeedbackFilter.Kind kind = filter.map(FeedbackFilter::kind).orElse(FeedbackFilter.Kind.ANY);
        if (kind == FeedbackFilter.Kind.NONE) {
            where.append(" AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.trace_id = ").append(id).append(")");
            return;
        }
        where.append(" AND EXISTS (SELECT 1 FROM feedback f WHERE f.trace_id = ").append(id);
        switch (kind) {
            case POSITIVE -> {
                where.append(" AND f.polarity = ?");
                args.add(FeedbackPolarity.POSITIVE.sign);
            }
            case NEGATIVE -> {
                where.append(" AND f.polarity = ?");
                args.add(FeedbackPolarity.NEGATIVE.sign);
            }
            case NAMED -> {
                where.append(" AND f.name = ?");
                args.add(filter.get().name().get());
            }
            default -> { }
        }
        search.scoreBelow().ifPresent(v -> {
            where.append(" AND f.score < ?");
            args.add(v);
        });
        search.scoreAbove().ifPresent(v -> {
            where.append(" AND f.score > ?");
            args.add(v);
        });
        where.append(")");
    }
}
