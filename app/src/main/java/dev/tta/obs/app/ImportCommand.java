package dev.tta.obs.app;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.adapters.jaeger.JaegerFormat;
import dev.tta.obs.adapters.otlp.OtlpJsonFormat;
import dev.tta.obs.ports.in.TransferTraces;
import dev.tta.obs.ports.out.TraceStore;
import dev.tta.obs.ports.service.TraceTransferService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code tta-obs import FILE...}: trace files (Jaeger JSON) into the store. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Import trace files (Jaeger JSON, OTLP/JSON lines or one document) into the store; the format is recognised from the content.",
        sortOptions = false)
final class ImportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to import.")
    List<Path> files;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Skip recognition: jaeger or otlp.")
    String format;

    @Mixin
    StorageOptions storage;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--verbose", description = "Print stack traces for errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    /** Through picocli, so tests and embedders can capture it. */
    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                throw new IllegalArgumentException(f + " is a directory; give the trace files in it, e.g. "
                        + f.resolve("*.json"));
            }
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null, "no such file");
            }
        }
        if (remote.remote()) {
            RemoteService service = remote.service();
            for (Path f : files) {
                long started = System.nanoTime();
                String answer;
                try {
                    answer = service.upload("/api/import" + (format == null ? ""
                            : RemoteService.query(java.util.Map.of("format", List.of(format)))), f);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
                }
                err().printf("imported %s into %s: %s in %.1f s%n", f, remote.url, answer, (System.nanoTime() - started) / 1e9);
            }
            return 0;
        }
        TraceAssembler assembler = storage.assembler();
        try (TraceStore<?> store = storage.open(assembler)) {
            TransferTraces transfer = new TraceTransferService(store,
                    TraceIngest.of(store, assembler, WallClock.system()), List.of(new JaegerFormat(), new OtlpJsonFormat()));
            for (Path f : files) {
                long started = System.nanoTime();
                ProgressBar bar = new ProgressBar(err(), "importing " + f.getFileName(), "bytes", ProgressBar.terminal());
                TransferTraces.ImportResult result;
                long size = Files.size(f);
                try {
                    result = transfer.importWhole(new TransferTraces.Source() {
                        @Override
                        public InputStream open() throws java.io.IOException {
                            return Files.newInputStream(f);
                        }

                        @Override
                        public long sizeBytes() {
                            return size;
                        }
                    }, Optional.ofNullable(format), bar);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(f + ": " + UserMessages.describe(e), e);
                } finally {
                    bar.finish();
                }
                err().printf("imported %,d spans from %s (%s) in %.1f s%n", result.spans(), f, result.format(),
                        (System.nanoTime() - started) / 1e9);
            }
        }
        return 0;
    }
}
