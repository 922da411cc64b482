package dev.tta.obs.adapters.jaeger;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.ports.out.TraceFormat;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/** Jaeger JSON as a {@link TraceFormat}: the entry point the app registers. */
public final class JaegerFormat implements TraceFormat {
    @Override
    public String name() {
        return "jaeger";
    }

    @Override
    public String mediaType() {
        return "application/json";
    }

    @Override
    public String fileExtension() {
        return ".jaeger.json";
    }

    @Override
    public boolean recognizes(String head) {
        return head.stripLeading().startsWith("{") && head.contains("\"data\"") && !head.contains("\"resourceSpans\"");
    }

    @Override
    public Writer writer(OutputStream out) {
        JaegerJsonWriter json = new JaegerJsonWriter(new KeepOpen(out), false);
        return new Writer() {
            @Override
            public void write(Trace trace) {
                json.write(trace);
            }

            @Override
            public void close() {
                json.close();
            }
        };
    }

    @Override
    public long read(InputStream in, Consumer<List<Span>> sink) throws IOException {
        return JaegerJsonReader.read(in, sink);
    }

    /** The caller owns the stream (stdout, an HTTP response): flush it, never close it. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
