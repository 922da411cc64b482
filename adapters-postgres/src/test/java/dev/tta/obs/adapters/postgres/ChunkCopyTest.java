package dev.tta.obs.adapters.postgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The binary tsvector sent by COPY is the one the server would make from the same words. */
class ChunkCopyTest {
    private static TestPostgres server;

    @BeforeAll
    static void start() throws Exception {
        server = TestPostgres.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void lexemesOutOfOrderRepeatedAndNonAscii_becomeTheTsvectorTheServerWouldMake_andHashesABigintArray()
            throws Exception {
        // 'z' < 'é' (0xc3 0xa9) < '€' (0xe2 ...) by UTF-8 bytes; 'ab' before 'abc'
        List<String> lexemes = List.of("zeta", "€uro", "abc", "été", "ab", "abc", "b", "zeta");
        long[] exact = {0x00ff00ff00ff00ffL, -1L, Long.MIN_VALUE, 42};
        try (Connection c = DriverManager.getConnection(server.freshSchemaUrl())) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE span_chunks (trace_id bytea NOT NULL, span_count integer NOT NULL,"
                        + " spans bytea NOT NULL, terms tsvector NOT NULL, exact bigint[] NOT NULL,"
                        + " arrived_day integer NOT NULL)");
            }
            ChunkCopy rows = new ChunkCopy();
            rows.add(new byte[] {1, 2}, 3, new byte[] {9, 8, 7}, lexemes, exact, 20_000);
            rows.add(new byte[] {3}, 1, new byte[0], List.of("only"), new long[0], 20_001);
            rows.copy(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, span_count, spans, arrived_day,"
                    + " terms = array_to_tsvector(?::text[]), terms::text, exact FROM span_chunks ORDER BY arrived_day")) {
                ps.setArray(1, c.createArrayOf("text", lexemes.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).containsExactly(1, 2);
                    assertThat(rs.getInt(2)).isEqualTo(3);
                    assertThat(rs.getBytes(3)).containsExactly(9, 8, 7);
                    assertThat(rs.getInt(4)).isEqualTo(20_000);
                    assertThat(rs.getBoolean(5)).as(rs.getString(6)).isTrue();
                    assertThat((Long[]) rs.getArray(7).getArray()).containsExactly(0x00ff00ff00ff00ffL, -1L,
                            Long.MIN_VALUE, 42L);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(6)).isEqualTo("'only'");
                    assertThat((Long[]) rs.getArray(7).getArray()).isEmpty();
                    assertThat(rs.next()).isFalse();
                }
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM span_chunks WHERE terms @@ 'été'::tsquery"
                         + " AND terms @@ 'ab:*'::tsquery AND exact && ARRAY[-1, 7]::bigint[]")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }
}
