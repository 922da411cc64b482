package dev.tta.obs.ports.service;

import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.query.TracePage;
import dev.tta.obs.domain.query.TraceSearch;
import dev.tta.obs.ports.in.TraceSelection;
import dev.tta.obs.ports.in.TransferProgress;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.domain.feedback.EvaluationEvents;
import dev.tta.obs.domain.feedback.Feedback;
import dev.tta.obs.ports.out.FeedbackStore;
import dev.tta.obs.ports.out.TraceFormat;
import dev.tta.obs.ports.out.TraceReader;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Export and import over the store's SPIs. Export walks the selection a page of summaries at a
 * time and loads one trace at a time; import appends in bounded batches. Memory stays flat
 * whatever the file size.
 */
public final class TraceTransferService implements TransferTraces {
    private static final int PAGE = 500;
    private static final int IMPORT_BATCH_SPANS = 5_000;

    private final TraceReader reader;
    private final TraceIngest<?> ingest;
    private final Map<String, TraceFormat> formats = new LinkedHashMap<>();
    private final Optional<FeedbackStore> feedback;

    public TraceTransferService(TraceReader reader, TraceIngest<?> ingest, List<TraceFormat> formats) {
        this(reader, ingest, formats, Optional.empty());
    }

    /**
     * @param feedback where an export reads each trace's feedback, which it writes as GenAI evaluation
     *                 events on the spans (an import reads them back as feedback)
     */
    public TraceTransferService(TraceReader reader, TraceIngest<?> ingest, List<TraceFormat> formats,
                                Optional<FeedbackStore> feedback) {
        this.reader = reader;
        this.ingest = ingest;
        this.feedback = feedback;
        for (TraceFormat f : formats) {
            this.formats.put(f.name(), f);
        }
    }

    @Override
    public List<String> formats() {
        return List.copyOf(formats.keySet());
    }

    @Override
    public Optional<String> mediaType(String format) {
        return Optional.ofNullable(formats.get(format)).map(TraceFormat::mediaType);
    }

    private TraceFormat format(String name) {
        TraceFormat f = formats.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown format '" + name + "'; choose one of " + formats.keySet());
        }
        return f;
    }

    @Override
    public ExportResult export(TraceSelection selection, String formatName, OutputStream out, TransferProgress progress) {
        TraceFormat format = format(formatName);
        long traces = 0;
        long spans = 0;
        try (TraceFormat.Writer writer = format.writer(out)) {
            if (!selection.traceIds().isEmpty()) {
                long total = selection.traceIds().size();
                for (TraceId id : selection.traceIds()) {
                    Trace trace = reader.findTrace(id).orElseThrow(() ->
                            new IllegalArgumentException("no trace with id " + id.hex() + " is stored"));
                    writer.write(withFeedback(trace));
                    traces++;
                    spans += trace.spans().size();
                    progress.advanced(traces, total);
                }
                return new ExportResult(traces, spans);
            }
            boolean filtered = selection.serviceName().isPresent() || selection.startFromUnixNano().isPresent()
                    || selection.startToUnixNano().isPresent();
            long total = filtered ? -1 : reader.traceCount();
            TraceSearch search = new TraceSearch(selection.serviceName(), Optional.empty(),
                    selection.startFromUnixNano(), selection.startToUnixNano(), false, PAGE, Optional.empty());
            while (true) {
                TracePage page = reader.search(search);
                for (TraceSummary s : page.traces()) {
                    Optional<Trace> trace = reader.findTrace(s.traceId());
                    // a trace evicted between the page and the read is simply no longer there
                    if (trace.isPresent()) {
                        writer.write(withFeedback(trace.get()));
                        traces++;
                        spans += trace.get().spans().size();
                        progress.advanced(traces, total);
                    }
                }
                if (page.nextCursor().isEmpty()) {
                    break;
                }
                search = new TraceSearch(search.serviceName(), search.text(), search.startFromUnixNano(),
                        search.startToUnixNano(), false, PAGE, page.nextCursor());
            }
        }
        return new ExportResult(traces, spans);
    }

    private Trace withFeedback(Trace trace) {
        if (feedback.isEmpty()) {
            return trace;
        }
        List<Feedback> items = feedback.get().feedback(List.of(trace.traceId())).getOrDefault(trace.traceId(), List.of());
        return items.isEmpty() ? trace : EvaluationEvents.withFeedback(trace, items);
    }

    @Override
    public ImportResult importWhole(Source source, Optional<String> formatName, TransferProgress progress)
            throws IOException {
        long size = source.sizeBytes();
        TraceFormat format;
        CountingInputStream counted;
        try (InputStream raw = source.open()) {
            counted = new CountingInputStream(raw, size, TransferProgress.NONE);
            BufferedInputStream in = new BufferedInputStream(counted, 64 * 1024);
            format = formatOf(in, formatName);
            try {
                format.read(in, group -> { });
            } catch (IOException | RuntimeException e) {
                // the buffer reads ahead: the position is where reading had got to, at most 64 KB past the fault
                throw new InvalidTelemetryException("the file stops being valid " + format.name() + " "
                        + position(e, counted.count, size) + " (" + message(e) + "); nothing of it was stored");
            }
        }
        try (InputStream raw = source.open()) {
            return importFrom(raw, size, Optional.of(format.name()), progress);
        }
    }

    private static final java.util.regex.Pattern JSON_LOCATION = java.util.regex.Pattern.compile("line: (\\d+), column: (\\d+)");

    /**
     * Where the file stops being readable: the JSON parser's line and column when it gave them
     * (a reader may wrap its error), else how far reading had got (the buffer reads up to 64 KB ahead).
     */
    private static String position(Throwable e, long read, long size) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            java.util.regex.Matcher m = t.getMessage() == null ? null : JSON_LOCATION.matcher(t.getMessage());
            if (m != null && m.find()) {
                return "at line " + m.group(1) + ", column " + m.group(2);
            }
        }
        return "near byte " + Math.max(0, read) + (size >= 0 ? " of " + size : "");
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // Jackson appends where it read from, on lines of its own; the position is given already
        int cut = m.indexOf('\n');
        return cut > 0 ? m.substring(0, cut) : m;
    }

    private TraceFormat formatOf(BufferedInputStream in, Optional<String> formatName) throws IOException {
        if (formatName.isPresent()) {
            return format(formatName.get());
        }
        in.mark(8192);
        byte[] head = in.readNBytes(8192);
        in.reset();
        String text = new String(head, StandardCharsets.UTF_8);
        return formats.values().stream().filter(f -> f.recognizes(text)).findFirst()
                .orElseThrow(() -> new InvalidTelemetryException("cannot tell the file's format; it is neither "
                        + String.join(" nor ", formats.keySet()) + " (give --format)"));
    }

    @Override
    public ImportResult importFrom(InputStream raw, long sizeBytes, Optional<String> formatName,
                                   TransferProgress progress) throws IOException {
        CountingInputStream counted = new CountingInputStream(raw, sizeBytes, progress);
        BufferedInputStream in = new BufferedInputStream(counted, 64 * 1024);
        TraceFormat format = formatOf(in, formatName);
        List<Span> pending = new ArrayList<>();
        long spans = format.read(in, group -> {
            pending.addAll(group);
            if (pending.size() >= IMPORT_BATCH_SPANS) {
                ingest.append(List.of(new SpanBatch(pending)));
                pending.clear();
            }
        });
        if (!pending.isEmpty()) {
            ingest.append(List.of(new SpanBatch(pending)));
        }
        progress.advanced(Math.max(counted.count, 0), sizeBytes);
        return new ImportResult(format.name(), spans);
    }

    private static final class CountingInputStream extends FilterInputStream {
        private final long size;
        private final TransferProgress progress;
        private long count;
        private long reported;

        CountingInputStream(InputStream in, long size, TransferProgress progress) {
            super(in);
            this.size = size;
            this.progress = progress;
        }

        private void add(long n) {
            if (n > 0) {
                count += n;
                if (count - reported >= 256 * 1024) {
                    reported = count;
                    progress.advanced(count, size);
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            add(b >= 0 ? 1 : 0);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            add(n);
            return n;
        }
    }
}
