package dev.tta.obs.adapters.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The server the tests run against: the one named by {@code TTA_OBS_TEST_POSTGRES_URL} (a JDBC URL
 * that may carry user and password), else an embedded PostgreSQL started for the test class.
 * Each {@link #freshSchemaUrl()} is a new, empty schema, so every store starts empty.
 */
final class TestPostgres implements AutoCloseable {
    static final String URL_VARIABLE = "TTA_OBS_TEST_POSTGRES_URL";

    private final Optional<EmbeddedPostgres> embedded;
    private final String baseUrl;
    private final String prefix = "tta_test_" + UUID.randomUUID().toString().substring(0, 8) + "_";
    private final List<String> schemas = new ArrayList<>();

    private TestPostgres(Optional<EmbeddedPostgres> embedded, String baseUrl) {
        this.embedded = embedded;
        this.baseUrl = baseUrl;
    }

    static TestPostgres start() throws IOException {
        String external = System.getenv(URL_VARIABLE);
        if (external != null && !external.isBlank()) {
            return new TestPostgres(Optional.empty(), external.trim());
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        return new TestPostgres(Optional.of(pg), pg.getJdbcUrl("postgres", "postgres"));
    }

    String baseUrl() {
        return baseUrl;
    }

    String freshSchemaUrl() throws SQLException {
        String schema = prefix + (schemas.size() + 1);
        try (Connection c = DriverManager.getConnection(baseUrl); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        schemas.add(schema);
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() throws Exception {
        if (embedded.isPresent()) {
            embedded.get().close();
            return;
        }
        try (Connection c = DriverManager.getConnection(baseUrl); Statement st = c.createStatement()) {
            for (String schema : schemas) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
