package dev.tta.obs.ports.out;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.Trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * A trace file format (Jaeger JSON, OTLP JSON). Both directions stream: the writer takes one
 * trace at a time, the reader hands over one trace's spans at a time, so a file of a million
 * spans never sits in memory whole.
 */
public interface TraceFormat {
    /** The name users type: {@code --format=jaeger}. */
    String name();

    String mediaType();

    String fileExtension();

    /** Whether a file starting with these bytes is in this format (for import without --format). */
    boolean recognizes(String head);

    Writer writer(OutputStream out);

    /**
     * Reads a whole file, calling {@code sink} with groups of spans (one or more whole traces).
     *
     * @return the number of spans read
     * @throws dev.tta.obs.domain.InvalidTelemetryException when the content is not in this format
     */
    long read(InputStream in, Consumer<List<Span>> sink) throws IOException;

    interface Writer extends AutoCloseable {
        void write(Trace trace);

        /** Completes the document; the output stream is flushed but left open. */
        @Override
        void close();
    }
}
