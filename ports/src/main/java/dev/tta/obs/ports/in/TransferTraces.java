package dev.tta.obs.ports.in;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/** Use cases: export stored traces to a file format, and import a file into the store. */
public interface TransferTraces {
    /** The format names this installation knows, e.g. {@code [jaeger, otlp]}. */
    List<String> formats();

    Optional<String> mediaType(String format);

    /**
     * Streams the selected traces to {@code out}; progress counts traces.
     *
     * @return the number of traces written
     * @throws IllegalArgumentException for an unknown format
     */
    ExportResult export(TraceSelection selection, String format, OutputStream out, TransferProgress progress);

    /**
     * Reads a file into the store; progress counts bytes of {@code sizeBytes} (or -1).
     *
     * @param format empty to recognize the format from the content
     */
    ImportResult importFrom(InputStream in, long sizeBytes, Optional<String> format, TransferProgress progress)
            throws IOException;

    /**
     * Imports a file all or nothing: it is read through once to check it (nothing stored), and
     * only a file that reads to its end is then read again and stored. A truncated or damaged file
     * is refused with where it stops being readable, and nothing of it is stored.
     *
     * @throws dev.tta.obs.domain.InvalidTelemetryException for a file that does not read to its end
     */
    ImportResult importWhole(Source source, Optional<String> format, TransferProgress progress) throws IOException;

    /** A file that can be read more than once. */
    interface Source {
        InputStream open() throws IOException;

        /** Its size in bytes, or -1. */
        long sizeBytes();
    }

    record ExportResult(long traces, long spans) {
    }

    record ImportResult(String format, long spans) {
    }
}
