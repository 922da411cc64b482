package dev.tta.obs.app;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.adapters.jaeger.JaegerFormat;
import dev.tta.obs.adapters.otlp.OtlpJsonFormat;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.in.TraceSelection;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.service.TraceTransferService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code tta-obs export}: stored traces to a Jaeger JSON (or OTLP JSON) file, straight from the database. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Export stored traces, e.g. to load them into Jaeger UI (\"JSON file\") or attach them to a bug report.",
                "Reads the database directly, read-only, whether or not `tta-obs start` is running."},
        sortOptions = false)
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "jaeger", paramLabel = "FORMAT",
            description = "Output format: jaeger (default; Jaeger UI's JSON upload) or otlp (OTLP/JSON lines).")
    String format;

    @Option(names = "--trace-id", paramLabel = "ID", description = "Export this trace (repeatable); default: all.")
    List<String> traceIds = new ArrayList<>();

    @Option(names = "--since", paramLabel = "WHEN", description = "Traces that started after this: 1h, 7d or an ISO time.")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Traces that started before this: 1h (ago) or an ISO time.")
    String until;

    @Option(names = "--service", paramLabel = "NAME", description = "Only traces whose root service is NAME.")
    String service;

    @Option(names = {"-o", "--output"}, defaultValue = "-", paramLabel = "FILE",
            description = "Where to write: a file, or - for standard output (default).")
    String output;

    @Mixin
    StorageOptions storage;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--verbose", description = "Print stack traces for errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream stdout;

    ExportCommand() {
        this(System.out);
    }

    ExportCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    private int exportRemote(TraceSelection selection, boolean toStdout, long started) throws Exception {
        java.util.Map<String, List<String>> params = new java.util.LinkedHashMap<>();
        params.put("format", List.of(format));
        params.put("traceId", selection.traceIds().stream().map(TraceId::hex).toList());
        selection.startFromUnixNano().ifPresent(v -> params.put("start", List.of(Long.toString(v))));
        selection.startToUnixNano().ifPresent(v -> params.put("end", List.of(Long.toString(v))));
        selection.serviceName().ifPresent(v -> params.put("service", List.of(v)));
        RemoteService service = remote.service();
        ProgressBar bar = new ProgressBar(err(), "downloading", "bytes", ProgressBar.terminal());
        long bytes = 0;
        Path file = toStdout ? null : Path.of(output);
        try (java.io.InputStream in = service.download("/api/export" + RemoteService.query(params));
             OutputStream out = toStdout ? stdout : new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                bytes += n;
                bar.advanced(bytes, -1);
            }
            out.flush();
        } finally {
            bar.finish();
        }
        err().printf("exported %,d bytes as %s from %s to %s in %.1f s%n", bytes, format, remote.url,
                toStdout ? "standard output" : file.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** Through picocli, so tests and embedders can capture it. */
    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        List<TraceId> ids = new ArrayList<>();
        for (String id : traceIds) {
            ids.add(TraceId.of(id));
        }
        TraceSelection selection = new TraceSelection(ids,
                Optional.ofNullable(since).map(s -> TimeArguments.unixNanos(TimeArguments.instant(s, "--since", now))),
                Optional.ofNullable(until).map(s -> TimeArguments.unixNanos(TimeArguments.instant(s, "--until", now))),
                Optional.ofNullable(service));
        boolean toStdout = output.equals("-");
        long started = System.nanoTime();
        if (remote.remote()) {
            return exportRemote(selection, toStdout, started);
        }
        TraceAssembler assembler = storage.assembler();
        try (TraceStore<?> store = storage.openReadOnly(assembler)) {
            TransferTraces transfer = new TraceTransferService(store,
                    TraceIngest.of(store, assembler, WallClock.system()), List.of(new JaegerFormat(), new OtlpJsonFormat()),
                    java.util.Optional.of(store));
            if (!transfer.formats().contains(format)) {
                throw new IllegalArgumentException("--format must be one of " + transfer.formats() + ", got '" + format + "'");
            }
            ProgressBar bar = new ProgressBar(err(), "exporting", "traces", ProgressBar.terminal());
            TransferTraces.ExportResult result;
            Path file = toStdout ? null : Path.of(output);
            try (OutputStream out = toStdout ? stdout : new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                result = transfer.export(selection, format, out, bar);
                out.flush();
            } finally {
                bar.finish();
            }
            err().printf("exported %,d traces (%,d spans) as %s to %s in %.1f s%n", result.traces(), result.spans(),
                    format, toStdout ? "standard output" : file.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }
}
