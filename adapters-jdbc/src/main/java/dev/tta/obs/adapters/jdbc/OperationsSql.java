package dev.tta.obs.adapters.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The service and span names of the {@code operations} table (the filter pickers), for both stores. */
public final class OperationsSql {
    private OperationsSql() {
    }

    public static List<String> services(Connection c) throws SQLException {
        return strings(c, "SELECT DISTINCT service_name FROM operations ORDER BY 1", Optional.empty());
    }

    /** Span names of one service, or of all services when none is given. */
    public static List<String> operations(Connection c, Optional<String> service) throws SQLException {
        return service.isPresent()
                ? strings(c, "SELECT span_name FROM operations WHERE service_name = ? ORDER BY 1", service)
                : strings(c, "SELECT DISTINCT span_name FROM operations ORDER BY 1", Optional.empty());
    }

    private static List<String> strings(Connection c, String sql, Optional<String> arg) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg.isPresent()) {
                ps.setString(1, arg.get());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
