package dev.tta.obs.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP over a plain socket, for requests java.net.http refuses to make: a forged Host header
 * (as a DNS-rebinding page would send) or a hand-made WebSocket upgrade with a chosen Origin.
 */
final class RawHttp {
    private RawHttp() {
    }

    record Reply(int status, String head, String body) {
        boolean hasHeader(String nameAndValuePrefix) {
            return head.toLowerCase().contains("\r\n" + nameAndValuePrefix.toLowerCase());
        }
    }

    /** @param headers each "Name: value", without line ends */
    static Reply send(int port, String method, String path, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            boolean upgrade = false;
            for (String h : headers) {
                req.append(h).append("\r\n");
                upgrade |= h.toLowerCase().startsWith("upgrade:");
            }
            if (!upgrade) {
                req.append("Connection: close\r\n");
            }
            if (method.equals("POST") || method.equals("DELETE")) {
                req.append("Content-Length: 0\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(s.getInputStream(), upgrade);
        }
    }

    static Reply read(InputStream in, boolean upgrade) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int headEnd = -1;
        byte[] chunk = new byte[4096];
        while (true) {
            int n;
            try {
                n = in.read(chunk);
            } catch (java.net.SocketTimeoutException e) {
                break;
            }
            if (n < 0) {
                break;
            }
            buf.write(chunk, 0, n);
            String sofar = buf.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0) {
                headEnd = sofar.indexOf("\r\n\r\n");
            }
            if (headEnd >= 0 && (upgrade || contentComplete(sofar, headEnd))) {
                break;
            }
        }
        String all = buf.toString(StandardCharsets.UTF_8);
        int end = all.indexOf("\r\n\r\n");
        String head = end < 0 ? all : all.substring(0, end);
        String body = end < 0 ? "" : all.substring(end + 4);
        int status = Integer.parseInt(head.substring(9, 12));
        return new Reply(status, head, body);
    }

    private static boolean contentComplete(String sofar, int headEnd) {
        String head = sofar.substring(0, headEnd).toLowerCase();
        int cl = head.indexOf("\r\ncontent-length:");
        if (cl < 0) {
            return false;
        }
        int eol = head.indexOf("\r\n", cl + 2);
        int len = Integer.parseInt(head.substring(cl + 17, eol < 0 ? head.length() : eol).trim());
        return sofar.length() - headEnd - 4 >= len;
    }

    static String wsUpgrade() {
        return "Upgrade: websocket";
    }
}
