package dev.tta.obs.app;

import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `tta-obs export` and `tta-obs import` as a user runs them, and the REST download. */
class ExportImportIT {
    @TempDir
    Path dir;

    static final long T0 = 1_767_225_600_000_000_000L;

    static List<Span> trace(int n, String service) {
        TraceId traceId = TraceId.of(String.format("%032x", 0xabc000L + n));
        Resource resource = new Resource(Attributes.builder().put("service.name", service).build(), 0);
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var b = Span.builder(traceId, SpanId.of(String.format("%016x", 0x10L + i)))
                    .name(i == 0 ? "run-" + n : "step-" + i)
                    .start(T0 + n * 1_000_000_000L + i * 1_000_000L)
                    .end(T0 + n * 1_000_000_000L + i * 1_000_000L + 500_000L)
                    .attributes(Attributes.builder().put("n", (long) n).put("ok", i != 2).build())
                    .resource(resource);
            if (i > 0) {
                b.parent(SpanId.of(String.format("%016x", 0x10L)));
            }
            if (i == 2) {
                b.status(StatusCode.ERROR, "step failed");
            }
            spans.add(b.build());
        }
        return spans;
    }

    private void seed(Path dataDir, int traces) {
        TraceAssembler assembler = new TraceAssembler(WorkflowRollupCalculator.NONE);
        try (var store = SqliteTraceStore.open(dataDir.resolve("tta-obs.sqlite"), assembler)) {
            var ingest = TraceIngest.of(store, assembler, WallClock.system());
            for (int n = 1; n <= traces; n++) {
                ingest.append(List.of(new SpanBatch(trace(n, n % 2 == 0 ? "even" : "odd"))));
            }
        }
    }

    @Test
    void exportThenImportIntoAnEmptyStoreThenExport_givesTheSameFile() throws Exception {
        Path source = dir.resolve("source");
        seed(source, 5);
        Path first = dir.resolve("first.json");
        CommandLineTest.Run export = CommandLineTest.run("export", "--data-dir=" + source, "-o", first.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.err()).contains("exported 5 traces (15 spans) as jaeger");

        Path target = dir.resolve("target");
        CommandLineTest.Run imported = CommandLineTest.run("import", "--data-dir=" + target, first.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("imported 15 spans").contains("(jaeger)");

        Path second = dir.resolve("second.json");
        assertThat(CommandLineTest.run("export", "--data-dir=" + target, "-o", second.toString()).exitCode()).isZero();
        assertThat(Files.readString(second)).isEqualTo(Files.readString(first));
        JsonNode data = RunningService.JSON.readTree(first.toFile()).get("data");
        assertThat(data).hasSize(5);
        assertThat(data.get(0).get("spans").get(0).get("operationName").asText()).isEqualTo("run-5");
    }

    @Test
    void otlpJsonLines_roundTripToo_andJaegerAndOtlpAgree() throws Exception {
        Path source = dir.resolve("source");
        seed(source, 3);
        Path otlp = dir.resolve("traces.otlp.jsonl");
        CommandLineTest.Run export = CommandLineTest.run("export", "--format=otlp", "--data-dir=" + source, "-o",
                otlp.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        List<String> lines = Files.readAllLines(otlp);
        assertThat(lines).hasSize(3);
        JsonNode first = RunningService.JSON.readTree(lines.get(0));
        JsonNode span = first.get("resourceSpans").get(0).get("scopeSpans").get(0).get("spans").get(0);
        assertThat(span.get("traceId").asText()).matches("[0-9a-f]{32}");
        assertThat(span.get("spanId").asText()).matches("[0-9a-f]{16}");

        Path target = dir.resolve("target");
        CommandLineTest.Run imported = CommandLineTest.run("import", "--data-dir=" + target, otlp.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("imported 9 spans").contains("(otlp)");
        Path again = dir.resolve("again.otlp.jsonl");
        assertThat(CommandLineTest.run("export", "--format=otlp", "--data-dir=" + target, "-o", again.toString())
                .exitCode()).isZero();
        assertThat(Files.readString(again)).isEqualTo(Files.readString(otlp));

        Path viaOtlp = dir.resolve("via-otlp.jaeger.json");
        Path direct = dir.resolve("direct.jaeger.json");
        CommandLineTest.run("export", "--data-dir=" + target, "-o", viaOtlp.toString());
        CommandLineTest.run("export", "--data-dir=" + source, "-o", direct.toString());
        assertThat(Files.readString(viaOtlp)).isEqualTo(Files.readString(direct));
    }

    @Test
    void filters_selectTracesByIdAndService() throws Exception {
        Path source = dir.resolve("source");
        seed(source, 4);
        Path byService = dir.resolve("even.json");
        assertThat(CommandLineTest.run("export", "--data-dir=" + source, "--service=even", "-o",
                byService.toString()).exitCode()).isZero();
        assertThat(RunningService.JSON.readTree(byService.toFile()).get("data")).hasSize(2);

        String id = String.format("%032x", 0xabc000L + 3);
        Path one = dir.resolve("one.json");
        assertThat(CommandLineTest.run("export", "--data-dir=" + source, "--trace-id=" + id, "-o",
                one.toString()).exitCode()).isZero();
        JsonNode data = RunningService.JSON.readTree(one.toFile()).get("data");
        assertThat(data).hasSize(1);
        assertThat(data.get(0).get("traceID").asText()).isEqualTo(id);
    }

    @Test
    void badInput_isOneLineAndNonZero() throws Exception {
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "this is not json");
        CommandLineTest.Run r = CommandLineTest.run("import", "--data-dir=" + dir.resolve("t"), junk.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("junk.json").contains("cannot tell the file's format").doesNotContain("\tat ");

        CommandLineTest.Run missing = CommandLineTest.run("import", "--data-dir=" + dir.resolve("t"), "nope.json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file: nope.json");

        CommandLineTest.Run badSince = CommandLineTest.run("export", "--data-dir=" + dir.resolve("t"), "--since=yesterday");
        assertThat(badSince.exitCode()).isEqualTo(1);
        assertThat(badSince.err()).contains("--since takes a time like");
    }

    @Test
    void urlForms_exportFromAndImportIntoARunningService() throws Exception {
        Path source = dir.resolve("source");
        seed(source, 2);
        Path file = dir.resolve("two.json");
        assertThat(CommandLineTest.run("export", "--data-dir=" + source, "-o", file.toString()).exitCode()).isZero();
        try (RunningService service = new RunningService(dir.resolve("live"))) {
            CommandLineTest.Run imported = CommandLineTest.run("import", "--url=" + service.url(""), file.toString());
            assertThat(imported.exitCode()).as(imported.err()).isZero();
            assertThat(imported.err()).contains("\"spans\":6");
            assertThat(service.getJson("/api/traces").get("traces")).hasSize(2);
            // imported again, nothing new: each trace opens with the summary the list shows
            assertThat(CommandLineTest.run("import", "--url=" + service.url(""), file.toString()).exitCode()).isZero();
            for (JsonNode row : service.getJson("/api/traces").get("traces")) {
                JsonNode opened = service.getJson("/api/traces/" + row.get("traceId").asText() + "/timeline");
                assertThat(opened.get("spans")).hasSize(3);
                for (String field : List.of("rootName", "spanCount", "errorCount", "durationMs", "outcome")) {
                    assertThat(opened.get("summary").get(field)).as(field).isEqualTo(row.get(field));
                }
            }

            Path back = dir.resolve("back.json");
            CommandLineTest.Run exported = CommandLineTest.run("export", "--url=" + service.url(""), "-o", back.toString());
            assertThat(exported.exitCode()).as(exported.err()).isZero();
            assertThat(Files.readString(back)).isEqualTo(Files.readString(file));
        }
        CommandLineTest.Run down = CommandLineTest.run("export", "--url=http://127.0.0.1:" + RunningService.freePort());
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach tta-obs at");
    }

    @Test
    void restDownload_isTheSameJaegerJson() throws Exception {
        try (RunningService service = new RunningService(dir.resolve("live"))) {
            service.post("/v1/traces", "application/x-protobuf", new byte[0]);
            seed(dir.resolve("live"), 1);
            String id = String.format("%032x", 0xabc000L + 1);
            HttpResponse<String> r = service.get("/api/traces/" + id + "/export?format=jaeger");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Disposition")).get().asString().contains("trace-" + id);
            JsonNode data = RunningService.JSON.readTree(r.body()).get("data");
            assertThat(data.get(0).get("spans")).hasSize(3);
            assertThat(service.get("/api/traces/" + id + "/export?format=zipkin").statusCode()).isEqualTo(400);
        }
    }

    /** Traces stored in the SQLite file of {@code dataDir}, 0 when there is none. */
    private static long storedTraces(Path dataDir) {
        if (!Files.exists(dataDir.resolve("tta-obs.sqlite"))) {
            return 0;
        }
        try (var store = SqliteTraceStore.open(dataDir.resolve("tta-obs.sqlite"), new TraceAssembler(WorkflowRollupCalculator.NONE))) {
            return store.traceCount();
        }
    }

    /**
     * A file cut short (a copy interrupted, a full disk while exporting) stores nothing, by the CLI
     * and by /api/import, and the error names the file and where it stops; the whole file then
     * imports every trace.
     */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void aTruncatedFile_storesNothing_andTheErrorSaysWhichFileAndWhere() throws Exception {
        Path source = dir.resolve("source");
        // 9,000 spans: more than one import batch of 5,000, which a partial import used to store
        seed(source, 3000);
        for (String format : List.of("jaeger", "otlp")) {
            Path whole = dir.resolve("whole-" + format + ".json");
            assertThat(CommandLineTest.run("export", "--data-dir=" + source, "--format=" + format, "-o", whole.toString())
                    .exitCode()).isZero();
            byte[] bytes = Files.readAllBytes(whole);
            Path cut = dir.resolve("cut-" + format + ".json");
            Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 6 / 10));

            Path target = dir.resolve("target-" + format);
            CommandLineTest.Run r = CommandLineTest.run("import", "--data-dir=" + target, cut.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("importing")).findFirst().orElse(""))
                    .as(r.err()).startsWith("tta-obs: " + cut + ": ")
                    .containsPattern("at line \\d+, column \\d+|near byte \\d+").contains("nothing of it was stored");
            assertThat(r.err()).doesNotContain("\tat ");
            assertThat(storedTraces(target)).as(format + ": nothing of a truncated file").isZero();

            assertThat(CommandLineTest.run("import", "--data-dir=" + target, whole.toString()).exitCode()).isZero();
            assertThat(storedTraces(target)).isEqualTo(3000);

            try (RunningService service = new RunningService(dir.resolve("live-" + format))) {
                HttpResponse<byte[]> answer = service.post("/api/import", "application/octet-stream", Files.readAllBytes(cut));
                assertThat(answer.statusCode()).isEqualTo(400);
                assertThat(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8))
                        .containsPattern("at line \\d+, column \\d+|near byte \\d+").contains("nothing of it was stored");
                assertThat(service.getJson("/api/traces").get("traces")).as(format + " over HTTP").isEmpty();
            }
        }
    }

    @org.junit.jupiter.api.Tag("faults")
    @Test
    void importOfADirectory_saysItIsADirectory() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        CommandLineTest.Run r = CommandLineTest.run("import", "--data-dir=" + dir.resolve("t"), folder.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(folder + " is a directory").doesNotContain("no such file").doesNotContain("\tat ");
    }

    @org.junit.jupiter.api.Tag("faults")
    @Test
    void exportFromAMistypedDataDirectory_failsInOneLine_andCreatesNothing() {
        Path typo = dir.resolve("no-such-dir");
        CommandLineTest.Run r = CommandLineTest.run("export", "--data-dir=" + typo, "-o", dir.resolve("out.json").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().lines().findFirst().orElse("")).as(r.err()).startsWith("tta-obs: ").contains(typo.toString());
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(typo).doesNotExist();
    }

    /**
     * {@code kill -9} while an import stores its batches: the store opens whole afterwards (what
     * was committed is kept, in whole batches), and importing the file again stores the rest, each
     * span once.
     */
    @org.junit.jupiter.api.Tag("faults")
    @Test
    void killedDuringImport_theStoreOpens_andImportingAgainCompletesItWithoutDuplicates() throws Exception {
        Path source = dir.resolve("big-source");
        int traces = 20_000;
        TraceAssembler assembler = new TraceAssembler(WorkflowRollupCalculator.NONE);
        try (var store = SqliteTraceStore.open(source.resolve("tta-obs.sqlite"), assembler)) {
            var ingest = TraceIngest.of(store, assembler, WallClock.system());
            for (int from = 1; from <= traces; from += 1000) {
                List<Span> spans = new ArrayList<>();
                for (int n = from; n < from + 1000; n++) {
                    spans.addAll(trace(n, "bulk"));
                }
                ingest.append(List.of(new SpanBatch(spans)));
            }
        }
        Path file = dir.resolve("big.json");
        assertThat(CommandLineTest.run("export", "--data-dir=" + source, "-o", file.toString()).exitCode()).isZero();

        Path target = dir.resolve("killed");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), TtaObs.class.getName(),
                "import", "--data-dir=" + target, file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("import.log").toFile()).start();
        Path wal = target.resolve("tta-obs.sqlite-wal");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        // the first batches are being committed (the log grows past the schema's pages)
        while (p.isAlive() && System.nanoTime() < deadline && !(Files.exists(wal) && Files.size(wal) > 1L << 20)) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("import still running when killed; its log: %s",
                Files.exists(dir.resolve("import.log")) ? Files.readString(dir.resolve("import.log")) : "").isTrue();
        p.destroyForcibly(); // SIGKILL
        p.waitFor();

        long partial = storedTraces(target);
        assertThat(partial).as("traces stored before the kill").isLessThan(traces);
        CommandLineTest.Run again = CommandLineTest.run("import", "--data-dir=" + target, file.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        try (var store = SqliteTraceStore.open(target.resolve("tta-obs.sqlite"), assembler)) {
            assertThat(store.traceCount()).isEqualTo(traces);
            for (int n : List.of(1, traces / 2, traces)) {
                assertThat(store.findTrace(TraceId.of(String.format("%032x", 0xabc000L + n))).orElseThrow().spans())
                        .as("trace %d, each span once", n).hasSize(3);
            }
        }
    }
}
