package dev.tta.obs.bench;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingest CPU of tta-obs against Zipkin's in-memory server, fed the same spans: OTLP/HTTP protobuf
 * to tta-obs's /v1/traces, the same spans converted to Zipkin's PROTO3 format (as OpenTelemetry's
 * Zipkin exporter maps them) to Zipkin's /api/v2/spans. Each server runs alone, in a fresh process
 * (tta-obs with a fresh data directory and the launcher's JVM options, Zipkin with its jar's
 * defaults), gets the same warm-up, then the measured load from the same number of clients; its
 * CPU time is read from /proc/PID/stat around the measured phase. Servers alternate, and which
 * one goes first alternates by round, so the host's drift on a shared VM hits both; the summary
 * takes medians.
 *
 * <pre>bench/zipkin-side-by-side.sh [--rounds=3] [--requests=400] [--warmup=400] [--spans-per-request=500] [--clients=2]</pre>
 */
public final class ZipkinSideBySide {

    private record Round(String server, int round, long spans, double seconds, double cpuSeconds, double stealPercent,
                         double clientCpuSeconds, String threads) {
        double spansPerSecond() {
            return spans / seconds;
        }

        double spansPerCpuSecond() {
            return spans / Math.max(cpuSeconds, 0.01);
        }
    }

    /** A server under test: how to start it, where to post, what a good answer is. */
    private interface Target {
        String name();

        Process start(Path dir) throws IOException;

        int port();

        String healthPath();

        String ingestPath();

        int okStatus();

        /** The path that reads one trace back, to check the load was kept. */
        String tracePath(String traceIdHex);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        int requests = Integer.parseInt(opts.getOrDefault("requests", "400"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "400"));
        int spansPerRequest = Integer.parseInt(opts.getOrDefault("spans-per-request", "500"));
        int spansPerTrace = Integer.parseInt(opts.getOrDefault("spans-per-trace", "10"));
        int attributes = Integer.parseInt(opts.getOrDefault("attributes", "10"));
        int clients = Integer.parseInt(opts.getOrDefault("clients", "2"));
        String zipkinJar = opts.get("zipkin-jar");
        // another tta-obs build in Zipkin's place, to compare two builds' CPU per span in one sitting
        String baselineJar = opts.get("baseline-jar");
        if (baselineJar != null && !Files.isRegularFile(Path.of(baselineJar))) {
            throw new IllegalArgumentException("--baseline-jar=PATH must name a tta-obs jar, got " + baselineJar);
        }
        if (baselineJar == null && (zipkinJar == null || !Files.isRegularFile(Path.of(zipkinJar)))) {
            throw new IllegalArgumentException("--zipkin-jar=PATH must name Zipkin's exec jar, got " + zipkinJar);
        }
        String ttaJar = opts.getOrDefault("jar", "app/target/tta-obs-all.jar");
        String jvmOptions = opts.getOrDefault("jvm-options", "app/jvm.options");
        String ttaJvmArgs = opts.getOrDefault("jvm-args", "");
        String zipkinJvmArgs = opts.getOrDefault("zipkin-jvm-args", "");
        // lets one sitting compare a JVM flag: the same jar as baseline, with and without it
        String baselineJvmArgs = opts.getOrDefault("baseline-jvm-args", ttaJvmArgs);
        int ttaPort = Integer.parseInt(opts.getOrDefault("port", "18799"));
        int zipkinPort = Integer.parseInt(opts.getOrDefault("zipkin-port", "19411"));

        // bodies are built before anything runs, so the generator's own CPU stays out of the phases;
        // warm-up and measured traces are distinct, as in LoadGenerator
        List<byte[]> otlpWarmup = new ArrayList<>(warmup);
        List<byte[]> otlpLoad = new ArrayList<>(requests);
        List<String> sampleIds = new ArrayList<>();
        for (int r = 0; r < requests + warmup; r++) {
            // one trace of every 40 measured requests is read back afterwards
            byte[] body = LoadGenerator.request(r, spansPerRequest, spansPerTrace, attributes, sampleIds,
                    r < requests && r % 40 == 0 ? sampleIds.size() + 1 : 0);
            (r < requests ? otlpLoad : otlpWarmup).add(body);
        }
        List<byte[]> zipkinWarmup = toZipkin(otlpWarmup);
        List<byte[]> zipkinLoad = toZipkin(otlpLoad);
        System.out.printf("load: warm-up %d requests, then %d measured requests, of %d spans (%d-span traces, %d attributes),"
                        + " %d clients; OTLP %d KB and Zipkin PROTO3 %d KB a request%n",
                warmup, requests, spansPerRequest, spansPerTrace, attributes, clients,
                otlpLoad.get(0).length / 1024, zipkinLoad.get(0).length / 1024);

        Target tta = ttaTarget("tta-obs", ttaJar, jvmOptions, ttaJvmArgs, ttaPort);
        Target zipkin = baselineJar != null ? ttaTarget("baseline", baselineJar, jvmOptions, baselineJvmArgs, ttaPort) : new Target() {
            public String name() {
                return "zipkin";
            }

            public Process start(Path dir) throws IOException {
                List<String> cmd = new ArrayList<>(List.of("java"));
                if (!zipkinJvmArgs.isBlank()) {
                    cmd.addAll(Arrays.asList(zipkinJvmArgs.trim().split("\\s+")));
                }
                cmd.addAll(List.of("-jar", zipkinJar));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("server.log").toFile());
                pb.environment().put("STORAGE_TYPE", "mem");
                pb.environment().put("QUERY_PORT", String.valueOf(zipkinPort));
                // room for warm-up and load together, so eviction never runs during the measurement
                pb.environment().put("MEM_MAX_SPANS", String.valueOf(2L * (requests + warmup) * spansPerRequest));
                return pb.start();
            }

            public int port() {
                return zipkinPort;
            }

            public String healthPath() {
                return "/health";
            }

            public String ingestPath() {
                return "/api/v2/spans";
            }

            public int okStatus() {
                return 202;
            }

            public String tracePath(String id) {
                return "/api/v2/trace/" + id;
            }
        };

        List<Round> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            List<Target> order = round % 2 == 1 ? List.of(tta, zipkin) : List.of(zipkin, tta);
            for (Target t : order) {
                boolean isTta = t == tta || baselineJar != null;
                Round r = runOne(t, round, isTta ? otlpWarmup : zipkinWarmup, isTta ? otlpLoad : zipkinLoad,
                        spansPerRequest, clients, sampleIds, isTta ? (long) (requests + warmup) * spansPerRequest : -1);
                results.add(r);
                System.out.printf("round %d %-8s %,9.0f spans/s (%d spans in %.2f s), server CPU %.2f s, %,7.0f spans per CPU-second;"
                                + " host steal %.1f%%, load generator CPU %.2f s%n    server CPU by thread group:%s%n",
                        r.round(), r.server(), r.spansPerSecond(), r.spans(), r.seconds(), r.cpuSeconds(),
                        r.spansPerCpuSecond(), r.stealPercent(), r.clientCpuSeconds(), r.threads());
            }
        }
        summarize(results, zipkin.name());
    }

    private static Target ttaTarget(String name, String jar, String jvmOptions, String jvmArgs, int port) {
        return new Target() {
            public String name() {
                return name;
            }

            public Process start(Path dir) throws IOException {
                List<String> cmd = new ArrayList<>(List.of("java", "@" + jvmOptions));
                if (!jvmArgs.isBlank()) {
                    cmd.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
                }
                cmd.addAll(List.of("-jar", jar, "start", "--port=" + port, "--otlp-http-port=0",
                        "--otlp-grpc-port=0", "--data-dir=" + dir.resolve("data"), "--max-traces=0", "--retention=0"));
                return new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("server.log").toFile()).start();
            }

            public int port() {
                return port;
            }

            public String healthPath() {
                return "/api/health";
            }

            public String ingestPath() {
                return "/v1/traces";
            }

            public int okStatus() {
                return 200;
            }

            public String tracePath(String id) {
                return "/api/traces/" + id;
            }
        };
    }

    private static Round runOne(Target t, int round, List<byte[]> warmup, List<byte[]> load, int spansPerRequest,
                                int clients, List<String> sampleIds, long expectedStored) throws Exception {
        Path dir = Files.createTempDirectory("tta-obs-zipkin-bench");
        Process server = t.start(dir);
        boolean done = false;
        try {
            waitForHealth(server, t, dir);
            send(t, warmup, spansPerRequest, clients);
            Map<String, Long> threadsBefore = LoadGenerator.threadTicks(server.pid());
            long cpuBefore = LoadGenerator.cpuTicks(server.pid());
            long[] stealBefore = LoadGenerator.machineTicks();
            long clientBefore = LoadGenerator.cpuTicks(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long spans = send(t, load, spansPerRequest, clients);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (LoadGenerator.cpuTicks(server.pid()) - cpuBefore) / 100.0;
            String threads = LoadGenerator.busiestThreads(threadsBefore, LoadGenerator.threadTicks(server.pid()), 6);
            double client = (LoadGenerator.cpuTicks(ProcessHandle.current().pid()) - clientBefore) / 100.0;
            long[] stealAfter = LoadGenerator.machineTicks();
            double steal = 100.0 * (stealAfter[1] - stealBefore[1]) / Math.max(1, stealAfter[0] - stealBefore[0]);
            // outside the measurement: the spans were kept, not only acknowledged
            try (RawHttpClient reader = new RawHttpClient("127.0.0.1", t.port())) {
                for (String id : sampleIds) {
                    int status = reader.get(t.tracePath(id));
                    if (status != 200) {
                        throw new IllegalStateException(t.name() + " answered " + status + " for trace " + id);
                    }
                }
            }
            if (expectedStored > 0) {
                long stored = LoadGenerator.storedSpans(java.net.http.HttpClient.newHttpClient(), "http://127.0.0.1:" + t.port());
                if (stored != expectedStored) {
                    throw new IllegalStateException(t.name() + " stored " + stored + " spans of " + expectedStored + " acknowledged");
                }
            }
            done = true;
            return new Round(t.name(), round, spans, seconds, cpu, steal, client, threads);
        } finally {
            server.destroy();
            server.waitFor();
            if (done) {
                deleteTree(dir);
            } else {
                System.err.println(t.name() + "'s log and data are kept in " + dir);
            }
        }
    }

    /** Posts every body from {@code clients} threads (each its own connection); returns the spans acknowledged. */
    private static long send(Target t, List<byte[]> bodies, int spansPerRequest, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    long acked = 0;
                    try (RawHttpClient http = new RawHttpClient("127.0.0.1", t.port())) {
                        int i;
                        while ((i = next.getAndIncrement()) < bodies.size()) {
                            int status = http.post(t.ingestPath(), bodies.get(i));
                            while (status == 429 || status == 503) {
                                Thread.sleep(50);
                                status = http.post(t.ingestPath(), bodies.get(i));
                            }
                            if (status != t.okStatus()) {
                                throw new IllegalStateException(t.name() + " answered " + status + " to an export");
                            }
                            acked += spansPerRequest;
                        }
                    }
                    return acked;
                }));
            }
            long acked = 0;
            for (Future<Long> f : futures) {
                acked += f.get();
            }
            return acked;
        } finally {
            pool.shutdown();
        }
    }

    private static void summarize(List<Round> results, String other) {
        StringBuilder out = new StringBuilder(String.format("%nmedians of %d rounds:%n", results.size() / 2));
        double[] perCpu = new double[2];
        for (int s = 0; s < 2; s++) {
            String name = s == 0 ? "tta-obs" : other;
            List<Round> mine = results.stream().filter(r -> r.server().equals(name)).toList();
            double rate = median(mine.stream().mapToDouble(Round::spansPerSecond).toArray());
            double cpu = median(mine.stream().mapToDouble(Round::cpuSeconds).toArray());
            perCpu[s] = median(mine.stream().mapToDouble(Round::spansPerCpuSecond).toArray());
            out.append(String.format("  %-8s %,9.0f spans/s, %.2f CPU-seconds, %,7.0f spans per CPU-second%n", name, rate, cpu,
                    perCpu[s]));
        }
        double[] roundRatios = new double[results.size() / 2];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < roundRatios.length; i++) {
            int round = i + 1;
            Round a = results.stream().filter(r -> r.round() == round && r.server().equals("tta-obs")).findFirst().orElseThrow();
            Round b = results.stream().filter(r -> r.round() == round && r.server().equals(other)).findFirst().orElseThrow();
            roundRatios[i] = a.spansPerCpuSecond() / b.spansPerCpuSecond();
            each.append(String.format(" %.2f", roundRatios[i]));
        }
        out.append(String.format("tta-obs / %s spans per CPU-second: %.2f (ratio of the medians); per round:%s, median %.2f%n",
                other, perCpu[0] / perCpu[1], each, median(roundRatios)));
        System.out.print(out);
    }

    /**
     * Zipkin's PROTO3 ListOfSpans holding the same spans as an OTLP export, mapped as OpenTelemetry's
     * Zipkin exporter maps them: service.name becomes the local endpoint, attributes and the scope
     * become tags, an error status the otel.status_code and error tags; times are microseconds.
     */
    static List<byte[]> toZipkin(List<byte[]> otlp) throws IOException {
        List<byte[]> out = new ArrayList<>(otlp.size());
        for (byte[] body : otlp) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            ByteArrayOutputStream list = new ByteArrayOutputStream(body.length + body.length / 2);
            CodedOutputStream listOut = CodedOutputStream.newInstance(list);
            for (ResourceSpans rs : request.getResourceSpansList()) {
                String service = rs.getResource().getAttributesList().stream()
                        .filter(kv -> kv.getKey().equals("service.name")).map(kv -> kv.getValue().getStringValue())
                        .findFirst().orElse("unknown_service");
                byte[] endpoint = message(o -> o.writeString(1, service));
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span span : ss.getSpansList()) {
                        listOut.writeByteArray(1, zipkinSpan(span, endpoint, ss));
                    }
                }
            }
            listOut.flush();
            out.add(list.toByteArray());
        }
        return out;
    }

    private static byte[] zipkinSpan(Span span, byte[] endpoint, ScopeSpans scope) throws IOException {
        return message(o -> {
            o.writeBytes(1, span.getTraceId());
            if (!span.getParentSpanId().isEmpty()) {
                o.writeBytes(2, span.getParentSpanId());
            }
            o.writeBytes(3, span.getSpanId());
            int kind = switch (span.getKind()) {
                case SPAN_KIND_CLIENT -> 1;
                case SPAN_KIND_SERVER -> 2;
                case SPAN_KIND_PRODUCER -> 3;
                case SPAN_KIND_CONSUMER -> 4;
                default -> 0;
            };
            if (kind != 0) {
                o.writeEnum(4, kind);
            }
            o.writeString(5, span.getName());
            o.writeFixed64(6, span.getStartTimeUnixNano() / 1000);
            o.writeUInt64(7, Math.max(1, (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1000));
            o.writeByteArray(8, endpoint);
            Map<String, String> tags = new LinkedHashMap<>();
            for (KeyValue kv : span.getAttributesList()) {
                tags.put(kv.getKey(), text(kv.getValue()));
            }
            tags.put("otel.scope.name", scope.getScope().getName());
            tags.put("otel.scope.version", scope.getScope().getVersion());
            if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
                tags.put("otel.status_code", "ERROR");
                tags.put("error", span.getStatus().getMessage());
            }
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                o.writeByteArray(11, message(e -> {
                    e.writeString(1, tag.getKey());
                    e.writeString(2, tag.getValue());
                }));
            }
        });
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> v.toString();
        };
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        fields.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static void waitForHealth(Process server, Target t, Path dir) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(t.name() + " exited with " + server.exitValue() + "; its log: "
                        + dir.resolve("server.log"));
            }
            try (RawHttpClient http = new RawHttpClient("127.0.0.1", t.port())) {
                if (http.get(t.healthPath()) == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(t.name() + " did not become healthy in 120 s; its log: " + dir.resolve("server.log"));
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("options look like --name=value, got '" + a + "'");
            }
            m.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return m;
    }

    private ZipkinSideBySide() {
    }
}
