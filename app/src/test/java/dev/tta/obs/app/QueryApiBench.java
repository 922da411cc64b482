package dev.tta.obs.app;

import dev.tta.obs.ports.out.WallClock;
import dev.tta.obs.ports.service.TraceIngest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tta.obs.adapters.sqlite.SqliteTraceStore;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.SpanBuilder;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.domain.workflow.WorkflowRollups;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The query API's performance targets, measured (not a test: it takes minutes and its numbers
 * depend on the machine). Loopback only; bounded in time and disk (one SQLite file).
 *
 * <pre>
 * ./mvnw -q -o package -pl app -am -DskipTests
 * java -Xmx1g -cp app/target/tta-obs-all.jar:app/target/test-classes dev.tta.obs.app.QueryApiBench [spans] [dataDir]
 * </pre>
 * ({@code -Dbench.only=llm-calls} before the class name times only {@code /api/llm-calls}.)
 *
 * Loads {@code spans} (default 1,000,000) spans as traces of 10 straight into the store (the
 * ingest path has its own benchmark; reused if the data dir already holds them), starts the
 * service as {@code tta-obs start} does, then times, from a single HTTP client: a mix of searches,
 * trace details, {@code /api/stats}, the LLM calls list ({@code /api/llm-calls}: three LLM calls
 * per trace, so 300,000 call rows at a million spans) and the latency from an OTLP export's
 * acknowledgement to its WebSocket message while exporting 1,000 spans/s.
 */
public final class QueryApiBench {
    private static final int SPANS_PER_TRACE = 10;
    private static final String[] SERVICES = {"checkout", "agent", "search", "billing", "support"};
    private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet", "claude-haiku", "llama-3"};
    private static final String[] PROVIDERS = {"openai", "openai", "anthropic", "anthropic", "meta"};
    /** The spans of each trace that are LLM calls (span 3 also carries the prompt text). */
    private static final int[] LLM_SPANS = {3, 5, 7};
    private static final String[] TOOLS = new String[20];
    private static final String[] WORDS = new String[2000];
    private static final long T0 = 1_767_225_600_000_000_000L;
    private static final long MS = 1_000_000L;

    static {
        for (int i = 0; i < TOOLS.length; i++) {
            TOOLS[i] = "tool-" + i;
        }
        Random r = new Random(1);
        for (int i = 0; i < WORDS.length; i++) {
            StringBuilder w = new StringBuilder();
            int len = 4 + r.nextInt(6);
            for (int j = 0; j < len; j++) {
                w.append((char) ('a' + r.nextInt(26)));
            }
            WORDS[i] = w.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/tta-obs-bench-llm-" + spans);
        int traces = spans / SPANS_PER_TRACE;
        load(dir, traces);

        RunningService service = new RunningService(dir);
        try {
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                    System.getProperty("os.arch"), System.getProperty("java.version"));
            System.out.printf(Locale.ROOT, "stored: %,d traces, %,d spans, file %,d MiB%n", traces, traces * SPANS_PER_TRACE,
                    Files.size(dir.resolve("tta-obs.sqlite")) >> 20);
            HttpClient http = HttpClient.newHttpClient();
            if ("llm-calls".equals(System.getProperty("bench.only"))) {
                // -Dbench.only=llm-calls: the LLM calls list alone, on the same data
                llmCalls(service, http, traces);
                service.close();
                System.exit(0);
            }
            Map<String, String> searches = new LinkedHashMap<>();
            searches.put("newest page", "");
            searches.put("service", "service=search");
            searches.put("errors only", "errors=true");
            searches.put("status=ok", "status=ok");
            searches.put("min duration", "minDurationMs=900");
            searches.put("sort by duration", "sort=duration");
            searches.put("span name", "name=step-7");
            searches.put("model", "model=claude-haiku");
            searches.put("attr (common)", "attr=" + enc("http.status_code=500"));
            searches.put("attr x2 same span", "attr=" + enc("http.status_code=500") + "&attr=" + enc("tool=tool-3"));
            searches.put("free text (rare word)", "q=" + WORDS[700]);
            searches.put("free text (no such word)", "q=" + WORDS[1999]);
            searches.put("free text (common word)", "q=" + WORDS[0]);
            searches.put("text + service", "q=" + WORDS[5] + "&service=agent");
            searches.put("time window", "start=" + (T0 + (long) traces / 2 * 10 * MS) + "&end=" + (T0 + (long) traces / 2 * 10 * MS + 60_000 * MS));
            System.out.println();
            System.out.println("| search | median ms | p99 ms | hits (limit 50) |");
            System.out.println("|---|---|---|---|");
            double[] s = timeTable(http, service, "/api/traces?", searches, "traces");
            Random r = new Random(3);
            double[] detail = timeEach(http, 50, 1000,
                    () -> service.url("/api/traces/" + traceId(r.nextInt(traces)).hex()));
            double[] stats = time(http, service.url("/api/stats"), 200, 2000);
            System.out.println();
            System.out.println("| endpoint | median ms | p99 ms | requests |");
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| search (all of the above) | %.2f | %.2f | %d |%n", pct(s, 0.5), pct(s, 0.99), s.length);
            System.out.printf(Locale.ROOT, "| trace detail (10 spans) | %.2f | %.2f | %d |%n", pct(detail, 0.5), pct(detail, 0.99), detail.length);
            System.out.printf(Locale.ROOT, "| /api/stats | %.2f | %.2f | %d |%n", pct(stats, 0.5), pct(stats, 0.99), stats.length);
            llmCalls(service, http, traces);
            live(service, http, traces);
        } finally {
            service.close();
        }
        // the in-process service leaves non-daemon pool threads behind its close, which would keep
        // this JVM (and the bench's CPU use) alive after the report is printed
        System.exit(0);
    }

    /** GET /api/llm-calls: every sort both ways, each filter, a deep page; 30 warm-ups, 200 timed calls each. */
    private static void llmCalls(RunningService service, HttpClient http, int traces) throws Exception {
        JsonNode totals = RunningService.JSON.readTree(get(http, service.url("/api/llm-calls/totals")));
        System.out.println();
        System.out.printf(Locale.ROOT, "LLM calls stored: %,d%n", totals.get("calls").asLong());
        long mid = T0 + (long) traces / 2 * 10 * MS;
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("newest (sort=time)", "");
        queries.put("oldest (sort=time&order=asc)", "sort=time&order=asc");
        queries.put("sort=cost", "sort=cost");
        queries.put("sort=cost&order=asc", "sort=cost&order=asc");
        queries.put("sort=tokens", "sort=tokens");
        queries.put("sort=duration", "sort=duration");
        queries.put("sort=duration&order=asc", "sort=duration&order=asc");
        queries.put("model family + sort=cost", "model=claude-haiku&sort=cost");
        queries.put("provider + sort=tokens", "provider=anthropic&sort=tokens");
        queries.put("service + sort=duration", "service=agent&sort=duration");
        queries.put("workflow (2% of calls) + sort=cost", "workflow=workflow-7&sort=cost");
        queries.put("status=error + sort=cost", "status=error&sort=cost");
        queries.put("a one-minute window + sort=cost", "start=" + mid + "&end=" + (mid + 60_000 * MS) + "&sort=cost");
        queries.put("a window holding every call + sort=cost", "start=" + T0 + "&sort=cost");
        queries.put("one trace", "traceId=" + traceId(traces / 3).hex());
        JsonNode deep = RunningService.JSON.readTree(get(http, service.url("/api/llm-calls?sort=cost&limit=1000")));
        queries.put("sort=cost, page after 1,000", "sort=cost&cursor=" + enc(deep.get("nextCursor").asText()));
        // a cursor half way through the 60,000 calls of unknown cost (one key, ordered by ids)
        queries.put("sort=cost, deep among equal costs", "sort=cost&cursor=" + enc("-1.0_" + traceId(traces / 2).hex()
                + "_" + String.format("%016x", 0x1000L + LLM_SPANS[1])));
        queries.put("sort=time, half way", "cursor=" + enc(mid + "_" + traceId(traces / 2).hex() + "_"
                + String.format("%016x", 0x1000L + LLM_SPANS[1])));
        System.out.println("| /api/llm-calls (limit 50) | median ms | p99 ms | rows |");
        System.out.println("|---|---|---|---|");
        double[] a = timeTable(http, service, "/api/llm-calls?", queries, "calls");
        System.out.printf(Locale.ROOT, "| all of the above | %.2f | %.2f | %d requests |%n", pct(a, 0.5), pct(a, 0.99), a.length);
        double[] sums = time(http, service.url("/api/llm-calls/totals?workflow=workflow-7"), 5, 50);
        double[] sumsAll = time(http, service.url("/api/llm-calls/totals"), 5, 50);
        System.out.printf(Locale.ROOT, "| /api/llm-calls/totals?workflow= / all calls | %.2f / %.2f | %.2f / %.2f | 50 each |%n",
                pct(sums, 0.5), pct(sumsAll, 0.5), pct(sums, 0.99), pct(sumsAll, 0.99));
    }

    /**
     * Each query 30 times unmeasured, then 200 times timed, one table row each (median, p99, and
     * how many rows of {@code rowsField} the first answer had); returns every timing.
     */
    private static double[] timeTable(HttpClient http, RunningService service, String path, Map<String, String> queries,
                                      String rowsField) throws Exception {
        List<Double> all = new ArrayList<>();
        for (var e : queries.entrySet()) {
            String url = service.url(path + e.getValue());
            JsonNode first = RunningService.JSON.readTree(get(http, url));
            double[] t = time(http, url, 30, 200);
            for (double v : t) {
                all.add(v);
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %d |%n", e.getKey(), pct(t, 0.5), pct(t, 0.99),
                    first.get(rowsField).size());
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static TraceId traceId(int n) {
        return TraceId.of(String.format("%032x", 0x5eed0000000L + n));
    }

    private static void load(Path dir, int traces) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve("tta-obs.sqlite");
        // the real rules, so LLM calls are found, priced and stored as rows as the server does it
        TraceAssembler assembler = new TraceAssembler(new WorkflowRollups(PriceTable.bundled()));
        try (SqliteTraceStore store = SqliteTraceStore.open(file, assembler)) {
            var ingest = TraceIngest.of(store, assembler, WallClock.system());
            long have = store.traceCount();
            if (have >= traces) {
                return;
            }
            System.out.printf(Locale.ROOT, "loading %,d traces into %s ...%n", traces - have, file);
            long t0 = System.nanoTime();
            Random r = new Random(42);
            InstrumentationScope scope = new InstrumentationScope("tta.dev", "1.0", Attributes.empty(), 0);
            Resource[] resources = new Resource[SERVICES.length];
            for (int i = 0; i < SERVICES.length; i++) {
                resources[i] = new Resource(Attributes.builder().put("service.name", SERVICES[i]).build(), 0);
            }
            List<Span> group = new ArrayList<>();
            for (int t = (int) have; t < traces; t++) {
                TraceId tid = traceId(t);
                long start = T0 + (long) t * 10 * MS;
                Resource res = resources[t % SERVICES.length];
                long rootDuration = (20 + r.nextInt(1000)) * MS;
                for (int s = 0; s < SPANS_PER_TRACE; s++) {
                    SpanBuilder b = Span.builder(tid, SpanId.of(String.format("%016x", 0x1000L + s)))
                            .kind(s == 0 ? SpanKind.SERVER : SpanKind.INTERNAL).resource(res).scope(scope);
                    Attributes.Builder a = Attributes.builder();
                    if (s == 0) {
                        b.name("workflow-" + (t % 50)).start(start).end(start + rootDuration);
                    } else {
                        long cs = start + (long) s * rootDuration / (SPANS_PER_TRACE + 1);
                        b.name("step-" + s).parent(SpanId.of(String.format("%016x", 0x1000L))).start(cs)
                                .end(cs + rootDuration / (SPANS_PER_TRACE + 2));
                        a.put("http.status_code", r.nextInt(20) == 0 ? 500L : 200L);
                        a.put("tool", TOOLS[r.nextInt(TOOLS.length)]);
                        if (Arrays.binarySearch(LLM_SPANS, s) >= 0) {
                            int m = r.nextInt(MODELS.length);
                            a.put("gen_ai.request.model", MODELS[m]);
                            a.put("gen_ai.provider.name", PROVIDERS[m]);
                            a.put("gen_ai.usage.input_tokens", 50L + r.nextInt(4000));
                            a.put("gen_ai.usage.output_tokens", 10L + r.nextInt(800));
                        }
                        if (s == 3) {
                            StringBuilder prompt = new StringBuilder();
                            for (int w = 0; w < 12; w++) {
                                // a skewed vocabulary: a few words are everywhere, most are rare
                                int idx = (int) Math.min(WORDS.length - 1, Math.abs(r.nextGaussian()) * 300);
                                prompt.append(WORDS[idx]).append(' ');
                            }
                            a.put("input.value", prompt.toString());
                        }
                        if (r.nextInt(50) == 0) {
                            b.status(StatusCode.ERROR, "failed");
                        } else if (r.nextInt(4) == 0) {
                            b.status(StatusCode.OK, "");
                        }
                    }
                    group.add(b.attributes(a.build()).build());
                }
                if (group.size() >= 20_000) {
                    ingest.append(List.of(new SpanBatch(group)));
                    group = new ArrayList<>();
                }
            }
            if (!group.isEmpty()) {
                ingest.append(List.of(new SpanBatch(group)));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "loaded in %.1f s (%,.0f spans/s through SqliteTraceStore.append, 20k per commit)%n",
                    secs, (traces - have) * SPANS_PER_TRACE / secs);
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static double[] time(HttpClient http, String url, int warmup, int n) throws Exception {
        return timeEach(http, warmup, n, () -> url);
    }

    interface Url {
        String next();
    }

    private static double[] timeEach(HttpClient http, int warmup, int n, Url url) throws Exception {
        for (int i = 0; i < warmup; i++) {
            get(http, url.next());
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            String u = url.next();
            long t = System.nanoTime();
            get(http, u);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }

    static double pct(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.max(0, Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1))];
    }

    /** 100 exports of 10 spans per second for 10 s; each export a new trace. */
    private static void live(RunningService service, HttpClient http, int storedTraces) throws Exception {
        Map<String, Long> acked = new ConcurrentHashMap<>();
        Map<String, Long> pushed = new ConcurrentHashMap<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + service.port + "/api/live"),
                new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            String text = partial.toString();
                            partial.setLength(0);
                            int i = text.indexOf("\"traceId\":\"");
                            if (text.startsWith("{\"type\":\"trace\"") && i >= 0) {
                                pushed.putIfAbsent(text.substring(i + 11, i + 43), now);
                            }
                        }
                        w.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        int exports = 1000;
        CountDownLatch done = new CountDownLatch(exports);
        long start = System.nanoTime();
        for (int e = 0; e < exports; e++) {
            long due = start + e * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int trace = 900_000_000 + e;
            OtlpRequests.Builder b = OtlpRequests.service("live");
            for (int s = 0; s < SPANS_PER_TRACE; s++) {
                b.span(trace, s, s == 0 ? -1 : 0, "live-" + s, 0, 10 + s, false);
            }
            String hex = OtlpRequests.traceHex(trace);
            http.sendAsync(HttpRequest.newBuilder(URI.create(service.url("/v1/traces")))
                            .header("Content-Type", "application/x-protobuf")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(b.bytes())).build(),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, err) -> {
                        if (err == null && r.statusCode() == 200) {
                            acked.put(hex, System.nanoTime());
                        }
                        done.countDown();
                    });
        }
        done.await(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1000);
        ws.abort();
        List<Double> lat = new ArrayList<>();
        int missing = 0;
        for (var e : acked.entrySet()) {
            Long p = pushed.get(e.getKey());
            if (p == null) {
                missing++;
            } else {
                lat.add((p - e.getValue()) / 1e6);
            }
        }
        double[] l = lat.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf(Locale.ROOT, "| ack → WebSocket message at %,.0f spans/s | %.2f | %.2f | %d acked, %d never pushed |%n",
                exports * SPANS_PER_TRACE / seconds, pct(l, 0.5), pct(l, 0.99), acked.size(), missing);
        System.out.println("(negative latency: the message arrived before the client had processed the HTTP acknowledgement)");
    }
}
