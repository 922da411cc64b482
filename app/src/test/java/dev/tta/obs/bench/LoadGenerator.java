package dev.tta.obs.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest benchmark: starts the real tta-obs jar as a separate process on loopback, sends OTLP/HTTP
 * protobuf exports from N concurrent clients, then reports throughput (acknowledged after commit),
 * server CPU-seconds and RSS, export latency percentiles, acknowledged vs stored counts, and read
 * latencies of trace-by-id and search on the data it wrote. Bounded: a fixed number of requests.
 *
 * <pre>bench/load.sh --requests=400 --spans-per-request=500 --spans-per-trace=10 --attributes=10 --clients=2 --protocol=http|grpc</pre>
 */
public final class LoadGenerator {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int requests = Integer.parseInt(opts.getOrDefault("requests", "400"));
        int spansPerRequest = Integer.parseInt(opts.getOrDefault("spans-per-request", "500"));
        int spansPerTrace = Integer.parseInt(opts.getOrDefault("spans-per-trace", "10"));
        int attributes = Integer.parseInt(opts.getOrDefault("attributes", "10"));
        int clients = Integer.parseInt(opts.getOrDefault("clients", "2"));
        int readSamples = Integer.parseInt(opts.getOrDefault("read-samples", "500"));
        // sent before timing (distinct traces), so the measurement sees a warmed-up JIT as in daily use
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "200"));
        // unmeasured detail reads (of the warm-up traces, round robin) before the timed ones: C2
        // keeps compiling the read path (Micronaut, Jackson, sqlite-jdbc) for thousands of reads,
        // and on two cores its compiles show as the reads' tail (docs/performance.md)
        int readWarmup = Integer.parseInt(opts.getOrDefault("read-warmup", "10000"));
        String jar = opts.getOrDefault("jar", "app/target/tta-obs-all.jar");
        int port = Integer.parseInt(opts.getOrDefault("port", "18799"));
        String extra = opts.getOrDefault("server-args", "");
        boolean grpc = opts.getOrDefault("protocol", "http").equals("grpc");
        // "raw": a socket per client (RawHttpClient), for exports and the timed reads; "jdk": java.net.http, which costs several times the CPU
        boolean jdkClient = opts.getOrDefault("http-client", "raw").equals("jdk");
        int grpcPort = Integer.parseInt(opts.getOrDefault("grpc-port", String.valueOf(port + 1)));

        Path dataDir = Files.createTempDirectory("tta-obs-bench");
        // the launcher's JVM options, so the numbers are those of `./tta-obs start`
        List<String> cmd = new ArrayList<>(List.of("java", "@" + opts.getOrDefault("jvm-options", "app/jvm.options")));
        String jvmArgs = opts.getOrDefault("jvm-args", "");
        if (!jvmArgs.isBlank()) {
            cmd.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar, "start", "--port=" + port, "--otlp-http-port=0",
                "--otlp-grpc-port=" + (grpc ? grpcPort : 0),
                "--data-dir=" + dataDir, "--max-traces=0", "--retention=0"));
        if (!extra.isBlank()) {
            cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;
        try {
            waitForHealth(http, base, server);
            System.out.printf("server pid %d, data %s%n", server.pid(), dataDir);
            System.out.printf("load: %d requests x %d spans (%d-span traces, %d attributes), %d clients, %s%n",
                    requests, spansPerRequest, spansPerTrace, attributes, clients, grpc ? "OTLP/gRPC"
                            : "OTLP/HTTP protobuf (" + (jdkClient ? "java.net.http client" : "socket client") + ")");
            io.grpc.ManagedChannel channel = grpc
                    ? io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
                            .maxInboundMessageSize(64 * 1024 * 1024).build()
                    : null;

            // bodies are built before timing so the generator measures the server, not itself
            List<byte[]> bodies = new ArrayList<>(requests);
            List<String> someTraceIds = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                bodies.add(request(r, spansPerRequest, spansPerTrace, attributes, someTraceIds, readSamples));
            }
            for (int r = 0; r < warmup; r++) {
                byte[] body = request(requests + r, spansPerRequest, spansPerTrace, attributes, new ArrayList<>(), 0);
                int status = grpc ? export(channel, body) : post(http, base + "/v1/traces", body);
                if (status != 200) {
                    throw new IllegalStateException("warm-up export answered " + status);
                }
            }
            if (warmup > 0) {
                System.out.printf("warm-up: %d requests (%d spans) sent before timing%n", warmup, warmup * spansPerRequest);
            }
            Map<String, Long> threadsBefore = threadTicks(server.pid());
            long cpuBefore = cpuTicks(server.pid());
            long writtenBefore = bytesWritten(server.pid());
            long[] ingestStealBefore = machineTicks();
            long clientCpuBefore = cpuTicks(ProcessHandle.current().pid());
            long[] latencies = new long[requests];
            AtomicLong next = new AtomicLong();
            AtomicLong acknowledgedSpans = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    RawHttpClient raw = new RawHttpClient("127.0.0.1", port);
                    int i;
                    while ((i = (int) next.getAndIncrement()) < requests) {
                        long s = System.nanoTime();
                        int status = send(grpc, jdkClient, channel, raw, http, base, bodies.get(i));
                        while (status == 429 || status == 503) {
                            refused.incrementAndGet();
                            sleep(50);
                            status = send(grpc, jdkClient, channel, raw, http, base, bodies.get(i));
                        }
                        latencies[i] = System.nanoTime() - s;
                        if (status == 200) {
                            acknowledgedSpans.addAndGet(spansPerRequest);
                        } else {
                            System.err.println("export answered " + status);
                        }
                    }
                    raw.close();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            if (channel != null) {
                channel.shutdownNow();
            }
            double cpuSeconds = (cpuTicks(server.pid()) - cpuBefore) / 100.0;
            long written = bytesWritten(server.pid()) - writtenBefore;
            double clientCpuSeconds = (cpuTicks(ProcessHandle.current().pid()) - clientCpuBefore) / 100.0;
            Map<String, Long> threadsAfter = threadTicks(server.pid());
            Arrays.sort(latencies);
            long acked = acknowledgedSpans.get();
            System.out.printf("ingest: %.0f spans/s acknowledged after commit (%d spans in %.2f s), %d retries after 429/503%n",
                    acked / seconds, acked, seconds, refused.get());
            System.out.printf("server CPU: %.2f s (%.0f spans per CPU-second), RSS %d MB (peak %d MB); load generator CPU %.2f s%n",
                    cpuSeconds, acked / Math.max(cpuSeconds, 0.001), rssKb(server.pid(), "VmRSS:") / 1024,
                    rssKb(server.pid(), "VmHWM:") / 1024, clientCpuSeconds);
            System.out.printf("server CPU by thread group:%s%n", busiestThreads(threadsBefore, threadsAfter, 8));
            System.out.printf("host steal during ingest: %s%n", stealSince(ingestStealBefore));
            // what is written beyond the database files' growth is the b-trees' pages rewritten in
            // the WAL and copied again by checkpoints
            System.out.printf("server wrote %d MB during ingest (%.0f bytes per span)%n", written / (1024 * 1024),
                    (double) written / Math.max(acked, 1));
            System.out.printf("export latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(latencies, 50) / 1e6, pct(latencies, 99) / 1e6, latencies[latencies.length - 1] / 1e6);

            long stored = storedSpans(http, base);
            long ackedInAll = acked + (long) warmup * spansPerRequest;
            System.out.printf("stored: %d spans of %d acknowledged, warm-up included (%s)%n", stored, ackedInAll,
                    stored == ackedInAll ? "none lost" : "MISMATCH");

            // reads warm up like ingest did: the first calls compile the read path (the warm-up
            // traces are others than the sampled ones, so no sample is read from a warm cache)
            Reader reader = jdkClient ? path -> get(http, base + path) : new RawReader(new RawHttpClient("127.0.0.1", port));
            List<String> warmupIds = new ArrayList<>();
            for (int r = 0; r < warmup && warmupIds.size() < 200; r++) {
                warmupIds.add(HexFormat.of().formatHex(traceId(requests + r, 0)));
            }
            for (int i = 0; i < readWarmup && !warmupIds.isEmpty(); i++) {
                reader.get("/api/traces/" + warmupIds.get(i % warmupIds.size()));
            }
            // reads are timed once the server is idle again: right after a bulk load it still judges
            // the new traces for regressions and writes search rows, on the same two cores
            Map<String, Long> settleBefore = threadTicks(server.pid());
            long settleStart = System.nanoTime();
            long ticks = cpuTicks(server.pid());
            while (System.nanoTime() - settleStart < 60_000_000_000L) {
                Thread.sleep(500);
                long now = cpuTicks(server.pid());
                boolean idle = now - ticks <= 2;
                ticks = now;
                if (idle) {
                    break;
                }
            }
            Map<String, Long> settleAfter = threadTicks(server.pid());
            System.out.printf("server idle (under 2%% of a core) %.1f s after the load;%s%n",
                    (System.nanoTime() - settleStart) / 1e9, busiestThreads(settleBefore, settleAfter, 4));
            long[] stealBefore = machineTicks();
            Map<String, Long> readsBefore = threadTicks(server.pid());
            long[] byId = new long[someTraceIds.size()];
            for (int i = 0; i < byId.length; i++) {
                long s = System.nanoTime();
                reader.get("/api/traces/" + someTraceIds.get(i));
                byId[i] = System.nanoTime() - s;
            }
            Arrays.sort(byId);
            String[] queries = {"/api/traces?limit=50", "/api/traces?limit=50&errors=true",
                    "/api/traces?limit=50&service=bench-svc-1", "/api/traces?limit=50&q=workflow-7"};
            int perKind = Math.max(1, Math.min(200, readSamples) / queries.length);
            long[] search = new long[perKind * queries.length];
            StringBuilder kinds = new StringBuilder();
            StringBuilder firstCalls = new StringBuilder();
            for (int k = 0; k < queries.length; k++) {
                long first = System.nanoTime();
                reader.get(queries[k]);
                firstCalls.append(String.format(" %.1f ms,", (System.nanoTime() - first) / 1e6));
                for (int w = 0; w < 20; w++) {
                    reader.get(queries[k]);
                }
            }
            for (int k = 0; k < queries.length; k++) {
                long[] one = new long[perKind];
                for (int i = 0; i < perKind; i++) {
                    long s = System.nanoTime();
                    reader.get(queries[k]);
                    one[i] = System.nanoTime() - s;
                    search[k * perKind + i] = one[i];
                }
                Arrays.sort(one);
                kinds.append(String.format("%n  %-45s p50 %.2f ms, p99 %.2f ms", queries[k].substring(5), pct(one, 50) / 1e6,
                        pct(one, 99) / 1e6));
            }
            Arrays.sort(search);
            System.out.printf("trace by id, the detail with its regression baseline (%d samples, after %d unmeasured reads of %d other traces): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, %d over 5 ms%n",
                    byId.length, warmupIds.isEmpty() ? 0 : readWarmup, warmupIds.size(), pct(byId, 50) / 1e6,
                    pct(byId, 90) / 1e6, pct(byId, 99) / 1e6, byId[byId.length - 1] / 1e6,
                    Arrays.stream(byId).filter(t -> t > 5_000_000L).count());
            System.out.printf("search, 4 kinds (%d samples after 20 unmeasured calls of each): p50 %.2f ms, p99 %.2f ms%s%n",
                    search.length, pct(search, 50) / 1e6, pct(search, 99) / 1e6, kinds);
            System.out.printf("first call of each kind, in the order above:%s%n", firstCalls.substring(0, firstCalls.length() - 1));
            // a virtual machine's host can stop it for tens of milliseconds; reads in such a pause
            // are slow whatever the server does, so the share of such time is part of the result
            System.out.printf("host steal during the timed reads: %s%n", stealSince(stealBefore));
            System.out.printf("server CPU during the timed reads by thread group:%s%n",
                    busiestThreads(readsBefore, threadTicks(server.pid()), 5));
            if (extra.contains("--storage=postgres")) {
                System.out.println("database: PostgreSQL; its size is read on the server (pg_total_relation_size)");
            } else {
                long spanBytes = fileBytes(dataDir, "tta-obs.sqlite");
                long indexBytes = fileBytes(dataDir, "tta-obs-search.sqlite");
                System.out.printf("database: %d MB (spans %d MB, search index %d MB), %.0f bytes per stored span%n",
                        (spanBytes + indexBytes) / (1024 * 1024), spanBytes / (1024 * 1024), indexBytes / (1024 * 1024),
                        (double) (spanBytes + indexBytes) / Math.max(stored, 1));
            }
            System.out.printf("server peak RSS over the whole run (ingest and reads): %d MB%n",
                    rssKb(server.pid(), "VmHWM:") / 1024);
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /**
     * Trace {@code traceIndex} of request {@code r}: random-looking, as an SDK's ids are (W3C trace
     * context makes them random), so the stores' trace-id indexes take inserts all over the key
     * space as they would in use. Ids that grew with the request number only ever appended to those
     * b-trees, which flattered the writer. Deterministic, so a run's ids can be read back, and
     * unique: {@link #mix} is a bijection.
     */
    static byte[] traceId(int r, int traceIndex) {
        long n = (long) (r + 1) << 32 | (traceIndex + 1L);
        return ByteBuffer.allocate(16).putLong(mix(n)).putLong(mix(~n)).array();
    }

    /** SplitMix64's finalizer: a bijection on longs that scatters neighbouring inputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A span's length: 0.5 to 2.5 ms, varying like real work, so traces differ in duration too. */
    static long spanNanos(int r, int s) {
        return 500_000L + Math.floorMod(mix((long) r << 32 | s), 2_000_000L);
    }

    static byte[] request(int r, int spans, int perTrace, int attributes, List<String> sampleIds, int samples) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("tta.bench").setVersion("1.0"));
        long now = System.currentTimeMillis() * 1_000_000L;
        byte[] parent = new byte[8];
        for (int s = 0; s < spans; s++) {
            int traceIndex = s / perTrace;
            int inTrace = s % perTrace;
            byte[] traceId = traceId(r, traceIndex);
            byte[] spanId = ByteBuffer.allocate(8).putInt(r + 1).putInt(s + 1).array();
            Span.Builder span = Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(traceId))
                    .setSpanId(ByteString.copyFrom(spanId))
                    .setName(inTrace == 0 ? "workflow-" + (traceIndex % 10) : "step-" + inTrace)
                    .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                    .setStartTimeUnixNano(now + inTrace * 1_000_000L)
                    .setEndTimeUnixNano(now + inTrace * 1_000_000L + spanNanos(r, s));
            if (inTrace > 0) {
                span.setParentSpanId(ByteString.copyFrom(parent));
            } else {
                parent = spanId;
                if (sampleIds.size() < samples) {
                    sampleIds.add(HexFormat.of().formatHex(traceId));
                }
            }
            for (int a = 0; a < attributes; a++) {
                span.addAttributes(KeyValue.newBuilder().setKey("attr." + a)
                        .setValue(a % 2 == 0 ? AnyValue.newBuilder().setStringValue("value-" + a + "-" + s)
                                : AnyValue.newBuilder().setIntValue(s * 31L + a)));
            }
            if (s % 97 == 0) {
                span.getStatusBuilder().setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("synthetic failure");
            }
            scope.addSpans(span);
        }
        Resource resource = Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("bench-svc-" + (r % 4)))).build();
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
                .build().toByteArray();
    }

    /** The spans tta-obs holds, summed over its trace list's pages. */
    static long storedSpans(HttpClient http, String base) throws Exception {
        long spans = 0;
        String cursor = null;
        do {
            String body = get(http, base + "/api/traces?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            for (var t : node.get("traces")) {
                spans += t.get("spanCount").asLong();
            }
            cursor = node.get("nextCursor").isNull() ? null : node.get("nextCursor").asText();
        } while (cursor != null);
        return spans;
    }

    /** One gRPC Export, answered like HTTP for the bookkeeping: 200, or 503 when it should be retried. */
    private static int export(io.grpc.ManagedChannel channel, byte[] body) {
        try {
            // already encoded: the generator does not spend the CPU it shares with the server re-serializing
            RawOtlpGrpc.export(channel, body);
            return 200;
        } catch (io.grpc.StatusRuntimeException e) {
            return e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE
                    || e.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED ? 503 : 500;
        }
    }

    /** A timed read; fails unless the answer is 200. */
    private interface Reader {
        void get(String path) throws Exception;
    }

    private record RawReader(RawHttpClient client) implements Reader {
        @Override
        public void get(String path) throws IOException {
            int status = client.get(path);
            if (status != 200) {
                throw new IllegalStateException("GET " + path + " answered " + status);
            }
        }
    }

    private static int send(boolean grpc, boolean jdkClient, io.grpc.ManagedChannel channel, RawHttpClient raw,
                            HttpClient http, String base, byte[] body) throws IOException, InterruptedException {
        if (grpc) {
            return export(channel, body);
        }
        return jdkClient ? post(http, base + "/v1/traces", body) : raw.post("/v1/traces", body);
    }

    private static int post(HttpClient http, String url, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static void waitForHealth(HttpClient http, String base, Process server) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue());
            }
            try {
                get(http, base + "/api/health");
                return;
            } catch (IOException | IllegalStateException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("server did not become healthy in 60 s");
    }

    /** The thread groups that used the most CPU between two {@link #threadTicks} readings, e.g. " writer 6.10 s, ...". */
    static String busiestThreads(Map<String, Long> before, Map<String, Long> after, int limit) {
        StringBuilder out = new StringBuilder();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(limit)
                .forEach(e -> out.append(String.format(" %s %.2f s,", e.getKey(), e.getValue() / 100.0)));
        return out.length() == 0 ? " -" : out.substring(0, out.length() - 1);
    }

    /** The share of the machine's CPU time its host took (steal) since {@code before}, from {@link #machineTicks}. */
    private static String stealSince(long[] before) throws IOException {
        long[] now = machineTicks();
        return String.format("%.1f%% of the machine's CPU time", 100.0 * (now[1] - before[1]) / Math.max(1, now[0] - before[0]));
    }

    /** All CPU ticks of the machine and the steal ticks among them (/proc/stat). */
    static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, f.length > 8 ? Long.parseLong(f[8]) : 0};
    }

    /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU ticks per thread group of a process (thread names with digits folded, e.g. "C2 CompilerThread#"). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new java.util.TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String stat = Files.readString(t.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            } catch (IOException | RuntimeException e) {
                // the thread ended between listing and reading
            }
        }
        return out;
    }

    /** A SQLite file with its write-ahead log. */
    private static long fileBytes(Path dir, String name) throws IOException {
        long size = 0;
        for (Path f : List.of(dir.resolve(name), dir.resolve(name + "-wal"))) {
            if (Files.exists(f)) {
                size += Files.size(f);
            }
        }
        return size;
    }

    /** Bytes the process handed to write() (its WAL appends and checkpoints), from /proc/PID/io. */
    static long bytesWritten(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return -1;
    }

    /** A memory line of /proc/PID/status in kB: VmRSS (resident now) or VmHWM (peak resident). */
    static long rssKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
}
