package dev.tta.obs.app;

import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Export streams: a million stored spans go out through a JVM with a 64 MB heap. */
class ExportScaleIT {
    private static final int TRACES = 100_000;
    private static final int SPANS_PER_TRACE = 10;

    @TempDir
    Path dir;

    @Test
    void millionSpanExport_runsInASixtyFourMegabyteHeap() throws Exception {
        Resource resource = new Resource(Attributes.builder().put("service.name", "scale").build(), 0);
        Attributes attrs = Attributes.builder().put("step", "x").put("n", 1L).build();
        TraceAssembler assembler = new TraceAssembler(WorkflowRollupCalculator.NONE);
        try (var store = SqliteTraceStore.open(dir.resolve("tta-obs.sqlite"), assembler)) {
            var ingest = TraceIngest.of(store, assembler, WallClock.system());
            List<Span> batch = new ArrayList<>();
            for (int t = 0; t < TRACES; t++) {
                TraceId traceId = TraceId.of(String.format("%032x", 0x5ca1e0000000L + t));
                for (int s = 0; s < SPANS_PER_TRACE; s++) {
                    var b = Span.builder(traceId, SpanId.of(String.format("%016x", 0x100L + s)))
                            .name(s == 0 ? "root" : "child").start(1_767_225_600_000_000_000L + t * 1_000_000L + s)
                            .end(1_767_225_600_000_000_000L + t * 1_000_000L + s + 1000)
                            .attributes(attrs).resource(resource);
                    if (s > 0) {
                        b.parent(SpanId.of(String.format("%016x", 0x100L)));
                    }
                    batch.add(b.build());
                }
                if (batch.size() >= 20_000) {
                    ingest.append(List.of(new SpanBatch(batch)));
                    batch = new ArrayList<>();
                }
            }
            ingest.append(List.of(new SpanBatch(batch)));
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process export = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), TtaObs.class.getName(), "export", "--data-dir=" + dir)
                .redirectError(dir.resolve("export.err").toFile())
                .start();
        long spans = 0;
        long bytes = 0;
        byte[] needle = "\"spanID\"".getBytes();
        try (InputStream out = export.getInputStream()) {
            byte[] buf = new byte[1 << 16];
            int matched = 0;
            int n;
            while ((n = out.read(buf)) > 0) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    matched = buf[i] == needle[matched] ? matched + 1 : (buf[i] == needle[0] ? 1 : 0);
                    if (matched == needle.length) {
                        spans++;
                        matched = 0;
                    }
                }
            }
        }
        assertThat(export.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(dir.resolve("export.err"));
        assertThat(export.exitValue()).as(err).isZero();
        // every span once; CHILD_OF references carry a "spanID" too (9 per trace)
        assertThat(spans).isEqualTo((long) TRACES * SPANS_PER_TRACE + (long) TRACES * (SPANS_PER_TRACE - 1));
        assertThat(err).contains("exported 100,000 traces (1,000,000 spans)");
        assertThat(bytes).isGreaterThan(100_000_000L);
    }
}
