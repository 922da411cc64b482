package dev.tta.obs.adapters.postgres;

import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.out.StoreUnavailableException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static dev.tta.obs.ports.contract.Fixtures.trace;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server of its own, since these tests stop it and change its logins; always embedded. */
class PostgresOutageTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);

    @TempDir
    Path dir;
    private EmbeddedPostgres pg;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        pg = server(0);
        port = pg.getPort();
    }

    private EmbeddedPostgres server(int fixedPort) throws Exception {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(false);
        if (fixedPort != 0) {
            b.setPort(fixedPort);
        }
        return b.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private String url() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    @Test
    void wrongPassword_failsWithTheServersReasonInOneLine() throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE tta LOGIN PASSWORD 'right-one'");
            st.execute("GRANT ALL ON SCHEMA public TO tta");
            Files.writeString(dir.resolve("data").resolve("pg_hba.conf"), String.join("\n",
                    "host all tta 127.0.0.1/32 scram-sha-256",
                    "host all tta ::1/128 scram-sha-256",
                    "host all all 127.0.0.1/32 trust",
                    "host all all ::1/128 trust",
                    "local all all trust", ""));
            st.execute("SELECT pg_reload_conf()");
        }
        assertThatThrownBy(() -> PostgresTraceStore.open(url(), Optional.of("tta"), Optional.of("wrong"), ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot open PostgreSQL database " + url() + " as tta")
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong")
                .hasMessageNotContaining("\n");
        try (PostgresTraceStore store = PostgresTraceStore.open(url(), Optional.of("tta"), Optional.of("right-one"),
                ASSEMBLER)) {
            assertThat(store.traceCount()).isZero();
        }
    }

    @Test
    void connectionsKilledByTheServer_theNextWriteAndReadSucceedOnFreshOnes() throws Exception {
        try (PostgresTraceStore store = PostgresTraceStore.open(url(), Optional.of("postgres"), Optional.empty(), ASSEMBLER);
             Connection admin = pg.getPostgresDatabase().getConnection(); Statement st = admin.createStatement()) {
            Fixtures.ingestInto(store).append(List.of(new SpanBatch(trace(1, 3, "before"))));
            // what a server restart or a network blip does to pooled connections; the pool hands out
            // a connection used in the last half second unchecked, so the next write gets a dead one
            try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = 'tta-obs'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("connections killed").isPositive();
            }
            Fixtures.ingestInto(store).append(List.of(new SpanBatch(trace(2, 3, "after"))));
            st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = 'tta-obs'").close();
            assertThat(store.findTrace(traceId(2)).orElseThrow().spans()).hasSize(3);
            assertThat(store.traceCount()).isEqualTo(2);
        }
    }

    @Test
    void serverGoneAway_failsWritesRetryably_andRecoversWhenItIsBack() throws Exception {
        try (PostgresTraceStore store = PostgresTraceStore.open(url(), Optional.of("postgres"), Optional.empty(), ASSEMBLER)) {
            Fixtures.ingestInto(store).append(List.of(new SpanBatch(trace(1, 3, "before"))));

            pg.close();
            pg = null;
            assertThatThrownBy(() -> Fixtures.ingestInto(store).append(List.of(new SpanBatch(trace(2, 3, "during")))))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.findTrace(traceId(1))).isInstanceOf(StoreUnavailableException.class);
            assertThat(store.writeFailure()).as("reported as degraded health").isPresent();

            pg = server(port);
            Fixtures.ingestInto(store).append(List.of(new SpanBatch(trace(2, 3, "after"))));
            assertThat(store.writeFailure()).isEmpty();
            assertThat(store.findTrace(traceId(1)).orElseThrow().spans()).hasSize(3);
            assertThat(store.findTrace(traceId(2)).orElseThrow().spans()).extracting(s -> s.name())
                    .contains("after").doesNotContain("during");
            assertThat(store.traceCount()).isEqualTo(2);
        }
    }
}
