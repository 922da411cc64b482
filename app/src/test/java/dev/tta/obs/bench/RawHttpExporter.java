package dev.tta.obs.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * OTLP/HTTP protobuf exports over one kept-alive HTTP/1.1 connection, with nothing but a socket:
 * the load generator shares the machine's two cores with the server, and the JDK's HttpClient
 * spends ~2 ms of CPU on a 150 KB request (~20% of the machine at 80k spans/s). This one writes
 * the headers and the pre-encoded body and reads the status, like wrk or h2load would. Not
 * thread-safe: one per client thread.
 */
final class RawHttpExporter implements AutoCloseable {
    private final String host;
    private final int port;
    private final String path;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttpExporter(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** Sends one export and returns the response's status code; reconnects if the server closed the connection. */
    int post(byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(head);
        out.write(body);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = 0;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            } else if (lower.startsWith("transfer-encoding:")) {
                throw new IOException("chunked responses are not expected from an OTLP export: " + h);
            }
        }
        in.skipNBytes(length);
        if (close) {
            close();
        }
        return code;
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 8192);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the connection mid-response");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
