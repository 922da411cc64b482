package dev.tta.obs.adapters.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The requests a stdio server has read and not yet answered, kept between the SDK and the two
 * streams. The SDK ends its session, answers still unsent, as soon as it reads the end of input,
 * yet a client may send its last requests and close its end at once (`printf ... | tta-obs mcp`,
 * an agent that quits): so the end of input is held back from the SDK until every request read
 * before it has its answer written and flushed.
 */
final class StdioLedger {
    private final McpJsonMapper json;
    private final Set<String> unanswered = new HashSet<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    StdioLedger(McpJsonMapper json) {
        this.json = json;
    }

    /**
     * What the SDK reads: whole lines, each request noted as it passes, the end of input held until
     * {@link #release()}. A line that is no JSON-RPC message is left out (and said on stderr): the
     * SDK would end the session on it, leaving the requests after it unanswered and nobody reading.
     */
    InputStream input(InputStream in) {
        return new InputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            private byte[] ready = new byte[0];
            private int pos;
            private boolean atEnd;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (pos >= ready.length) {
                    if (atEnd) {
                        return end();
                    }
                    fill();
                }
                int n = Math.min(len, ready.length - pos);
                System.arraycopy(ready, pos, b, off, n);
                pos += n;
                return n;
            }

            private void fill() throws IOException {
                byte[] buf = new byte[8192];
                int n = in.read(buf);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (n < 0) {
                    atEnd = true;
                    // the SDK reads a last line without its newline too
                    pass(out);
                } else {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            pass(out);
                        } else {
                            line.write(buf[i]);
                        }
                    }
                }
                ready = out.toByteArray();
                pos = 0;
            }

            private void pass(ByteArrayOutputStream out) {
                String text = line.toString(StandardCharsets.UTF_8);
                byte[] bytes = line.toByteArray();
                line.reset();
                if (text.isBlank()) {
                    return;
                }
                McpSchema.JSONRPCMessage m = message(text);
                if (m == null) {
                    System.err.println("tta-obs mcp: skipped a line that is not a JSON-RPC message: "
                            + Text.cut(text, 200));
                    return;
                }
                if (m instanceof McpSchema.JSONRPCRequest r && r.id() != null) {
                    synchronized (unanswered) {
                        unanswered.add(String.valueOf(r.id()));
                    }
                }
                out.write(bytes, 0, bytes.length);
                out.write('\n');
            }
        };
    }

    /** Where the SDK writes: an answer counts once it is flushed, so closing then loses nothing. */
    OutputStream output(OutputStream out) {
        LineSplitter lines = new LineSplitter(this::written);
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                lines.add(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                lines.flushed();
            }
        };
    }

    private int end() {
        ended.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /**
     * Blocks until the input has ended and every request read before the end is answered, or the
     * time is up.
     *
     * @return whether every request read was answered
     */
    boolean awaitAnswered(long timeout, TimeUnit unit) throws InterruptedException {
        ended.await();
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (unanswered) {
            while (!unanswered.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(unanswered, left);
            }
        }
        return true;
    }

    /** Lets the SDK see the end of its input. */
    void release() {
        release.countDown();
    }

    private void written(String line) {
        if (message(line) instanceof McpSchema.JSONRPCResponse r && r.id() != null) {
            synchronized (unanswered) {
                unanswered.remove(String.valueOf(r.id()));
                unanswered.notifyAll();
            }
        }
    }

    private McpSchema.JSONRPCMessage message(String line) {
        try {
            return McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (IOException | RuntimeException notAMessage) {
            return null;
        }
    }

    /** Bytes in, whole lines out once they are flushed. */
    private static final class LineSplitter {
        private final Consumer<String> sink;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<String> complete = new ArrayList<>();

        LineSplitter(Consumer<String> sink) {
            this.sink = sink;
        }

        synchronized void add(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    complete.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b[i]);
                }
            }
        }

        synchronized void flushed() {
            complete.forEach(sink);
            complete.clear();
        }
    }
}
