package dev.tta.obs.adapters.postgres;

import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The chunk rows of one commit as one binary {@code COPY span_chunks FROM STDIN}: one statement
 * whatever the number of rows, and each row's words sent as a ready tsvector (lexemes sorted and
 * distinct, as PostgreSQL stores them) instead of a text array the server parses, sorts and
 * converts row by row ({@code array_to_tsvector}), its exact-term hashes as a binary
 * {@code bigint[]}. The rows go to the partition of their {@code arrived_day} as an INSERT's would.
 */
final class ChunkCopy {
    static final String SQL = "COPY span_chunks (trace_id, span_count, spans, terms, exact, arrived_day)"
            + " FROM STDIN (FORMAT binary)";
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final int COLUMNS = 6;
    /** {@code int8}'s type oid, which a binary array names its elements by. */
    private static final int INT8_OID = 20;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    private final DataOutputStream out = new DataOutputStream(bytes);
    private int rows;

    ChunkCopy() {
        try {
            out.write(SIGNATURE);
            out.writeInt(0); // flags: no OIDs
            out.writeInt(0); // no header extension
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void add(byte[] traceId, int spanCount, byte[] spans, List<String> lexemes, long[] exact, int arrivedDay) {
        try {
            out.writeShort(COLUMNS);
            out.writeInt(traceId.length);
            out.write(traceId);
            out.writeInt(4);
            out.writeInt(spanCount);
            out.writeInt(spans.length);
            out.write(spans);
            byte[] terms = tsvector(lexemes);
            out.writeInt(terms.length);
            out.write(terms);
            writeInt8Array(exact);
            out.writeInt(4);
            out.writeInt(arrivedDay);
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the rows; nothing when there are none. */
    void copy(Connection c) throws SQLException {
        if (rows == 0) {
            return;
        }
        try {
            out.writeShort(-1); // the file trailer
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(SQL, new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new SQLException("could not send chunk rows: " + e.getMessage(), e);
        }
    }

    /**
     * A one-dimensional {@code bigint[]} in its binary form (as {@code array_send} writes it): the
     * number of dimensions, a no-nulls flag, the element type, then the length and lower bound of
     * the dimension and each element's size and value; an empty array has no dimension.
     */
    private void writeInt8Array(long[] values) throws IOException {
        boolean empty = values.length == 0;
        out.writeInt(empty ? 12 : 20 + values.length * 12);
        out.writeInt(empty ? 0 : 1);
        out.writeInt(0);
        out.writeInt(INT8_OID);
        if (!empty) {
            out.writeInt(values.length);
            out.writeInt(1);
            for (long v : values) {
                out.writeInt(8);
                out.writeLong(v);
            }
        }
    }

    /**
     * A tsvector in its binary form (as {@code tsvectorsend} writes it): the number of lexemes, then
     * each lexeme NUL-terminated with no positions. Sorted by their UTF-8 bytes and without
     * repeats, the order PostgreSQL keeps them in, so the server takes them as they are.
     * Lexemes are words ({@link dev.tta.obs.adapters.jdbc.SearchTerms}): never empty,
     * never holding a NUL, far under the 2 kB lexeme limit.
     */
    static byte[] tsvector(List<String> lexemes) {
        byte[][] utf8 = new byte[lexemes.size()][];
        int n = 0;
        for (String l : lexemes) {
            utf8[n++] = l.getBytes(StandardCharsets.UTF_8);
        }
        Arrays.sort(utf8, Arrays::compareUnsigned);
        ByteArrayOutputStream b = new ByteArrayOutputStream(4 + n * 20);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || !Arrays.equals(utf8[i], utf8[i - 1])) {
                utf8[distinct++] = utf8[i];
            }
        }
        writeInt(b, distinct);
        for (int i = 0; i < distinct; i++) {
            b.write(utf8[i], 0, utf8[i].length);
            b.write(0);
            b.write(0); // no positions (a uint16 count)
            b.write(0);
        }
        return b.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream b, int v) {
        b.write(v >>> 24);
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }
}
