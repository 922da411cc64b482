package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.telemetry.LogBatch;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.domain.telemetry.MetricBatch;
import dev.tta.obs.domain.telemetry.MetricPoint;
import dev.tta.obs.domain.telemetry.MetricSeries;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TelemetryStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Metrics and logs in the same database as the traces, the same way in both SQL stores: tables
 * {@code metric_points} and {@code log_records} (SQLite's V2, PostgreSQL's V7), one row per point
 * or record, and a {@code dedup_key} (a hash of the whole point or record) that is unique, so a
 * resent export is kept once ({@code ON CONFLICT DO NOTHING}, which both dialects take). Attributes
 * are kept as {@link TypedAttributeJson} text with sorted keys: equal sets have equal text, which
 * makes the text the series key. A store supplies the connections.
 */
public abstract class JdbcTelemetryStore implements TelemetryStore {
    private static final String INSERT_METRIC = "INSERT INTO metric_points (dedup_key, name, description, unit, type,"
            + " service_name, attributes, start_ns, time_ns, value, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (dedup_key) DO NOTHING";
    private static final String INSERT_LOG = "INSERT INTO log_records (dedup_key, trace_id, span_id, time_ns,"
            + " observed_ns, severity_number, severity_text, body, attributes, dropped_attrs, flags, event_name,"
            + " resource, scope_name, scope_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (dedup_key) DO NOTHING";

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    protected abstract <T> T inTransaction(String what, JdbcTraceStore.Work<T> work);

    /** Runs {@code work} on a reading connection. */
    protected abstract <T> T read(JdbcTraceStore.Work<T> work);

    @Override
    public void appendMetrics(List<MetricBatch> batches) {
        inTransaction("write to", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_METRIC)) {
                for (MetricBatch batch : batches) {
                    for (MetricPoint p : batch.points()) {
                        String attributes = TypedAttributeJson.write(p.attributes());
                        String service = p.resource().serviceName();
                        ps.setBytes(1, hash(p.name(), p.type().name(), service, attributes,
                                TypedAttributeJson.write(p.resource().attributes()),
                                Long.toString(p.startTimeUnixNano()), Long.toString(p.timeUnixNano()),
                                Double.toString(p.value()), Long.toString(p.count())));
                        ps.setString(2, p.name());
                        ps.setString(3, p.description());
                        ps.setString(4, p.unit());
                        ps.setString(5, p.type().name());
                        ps.setString(6, service);
                        ps.setString(7, attributes);
                        ps.setLong(8, p.startTimeUnixNano());
                        ps.setLong(9, p.timeUnixNano());
                        ps.setDouble(10, p.value());
                        ps.setLong(11, p.count());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void appendLogs(List<LogBatch> batches) {
        inTransaction("write to", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_LOG)) {
                for (LogBatch batch : batches) {
                    for (LogEntry l : batch.logs()) {
                        bindLog(ps, l);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static void bindLog(PreparedStatement ps, LogEntry l) throws SQLException {
        String body = l.body().map(TypedAttributeJson::write).orElse(null);
        String attributes = TypedAttributeJson.write(l.attributes());
        String resource = TypedAttributeJson.write(l.resource().attributes());
        String trace = l.traceId().map(TraceId::hex).orElse("");
        String span = l.spanId().map(SpanId::hex).orElse("");
        ps.setBytes(1, hash(trace, span, Long.toString(l.timeUnixNano()),
                Long.toString(l.observedTimeUnixNano()), Integer.toString(l.severityNumber()),
                l.severityText(), String.valueOf(body), attributes, l.eventName(), resource,
                l.scope().name()));
        ps.setBytes(2, l.traceId().map(TraceId::toBytes).orElse(null));
        ps.setBytes(3, l.spanId().map(SpanId::toBytes).orElse(null));
        ps.setLong(4, l.timeUnixNano());
        ps.setLong(5, l.observedTimeUnixNano());
        ps.setInt(6, l.severityNumber());
        ps.setString(7, l.severityText());
        ps.setString(8, body);
        ps.setString(9, attributes);
        ps.setInt(10, l.droppedAttributesCount());
        ps.setInt(11, l.flags());
        ps.setString(12, l.eventName());
        ps.setString(13, resource);
        ps.setString(14, l.scope().name());
        ps.setString(15, l.scope().version());
    }

    private static byte[] hash(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = p.getBytes(StandardCharsets.UTF_8);
                // length-prefixed, so ("ab", "c") and ("a", "bc") differ
                sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8),
                        (byte) b.length});
                sha.update(b);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> metricNames() {
        return read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT name FROM metric_points ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    @Override
    public List<MetricSeries> metricSeries(String name, Map<String, String> attributeFilter, int maxPoints) {
        record Key(String service, String attributes) {
        }
        record Rows(String unit, MetricPoint.MetricType type, List<MetricSeries.Point> points) {
        }
        Map<Key, Rows> byKey = read(c -> {
            Map<Key, Rows> out = new LinkedHashMap<>();
            // point_id breaks ties of time, so which points are "the newest" does not depend on the plan
            try (PreparedStatement ps = c.prepareStatement("SELECT service_name, attributes, unit, type, time_ns, value,"
                    + " count FROM (SELECT * FROM metric_points WHERE name = ? ORDER BY time_ns DESC, point_id DESC"
                    + " LIMIT ?) newest ORDER BY time_ns, point_id")) {
                ps.setString(1, name);
                ps.setInt(2, maxPoints);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Key key = new Key(rs.getString(1), rs.getString(2));
                        Rows rows = out.get(key);
                        if (rows == null) {
                            rows = new Rows(rs.getString(3), MetricPoint.MetricType.valueOf(rs.getString(4)),
                                    new ArrayList<>());
                            out.put(key, rows);
                        }
                        rows.points().add(new MetricSeries.Point(rs.getLong(5), rs.getDouble(6), rs.getLong(7)));
                    }
                }
            }
            return out;
        });
        List<MetricSeries> series = new ArrayList<>();
        byKey.forEach((key, rows) -> {
            Attributes attributes = TypedAttributeJson.readAttributes(key.attributes());
            boolean matches = attributeFilter.entrySet().stream().allMatch(f ->
                    attributes.getString(f.getKey()).map(v -> v.equals(f.getValue())).orElse(false));
            if (matches) {
                series.add(new MetricSeries(name, rows.unit(), rows.type(), key.service(), attributes, rows.points()));
            }
        });
        return series;
    }

    @Override
    public List<LogEntry> logsOfTrace(TraceId traceId, int limit) {
        return read(c -> {
            List<LogEntry> logs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, span_id, time_ns, observed_ns,"
                    + " severity_number, severity_text, body, attributes, dropped_attrs, flags, event_name, resource,"
                    + " scope_name, scope_version FROM log_records WHERE trace_id = ?"
                    + " ORDER BY time_ns, observed_ns, log_id LIMIT ?")) {
                ps.setBytes(1, traceId.toBytes());
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] span = rs.getBytes(2);
                        String body = rs.getString(7);
                        logs.add(new LogEntry(rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getString(6),
                                body == null ? Optional.empty() : Optional.of(TypedAttributeJson.readValue(body)),
                                TypedAttributeJson.readAttributes(rs.getString(8)), rs.getInt(9),
                                Optional.of(TraceId.fromBytes(rs.getBytes(1))),
                                span == null ? Optional.empty() : Optional.of(SpanId.fromBytes(span)),
                                rs.getInt(10), rs.getString(11),
                                new Resource(TypedAttributeJson.readAttributes(rs.getString(12)), 0),
                                new InstrumentationScope(rs.getString(13), rs.getString(14), Attributes.empty(), 0)));
                    }
                }
            }
            return logs;
        });
    }

    /** Rethrows a failure as {@link StoreUnavailableException} naming the store. */
    protected static StoreUnavailableException unavailable(String what, String where, Exception e) {
        return new StoreUnavailableException("could not " + what + " " + where + ": " + JdbcTraceStore.rootMessage(e), e);
    }
}
