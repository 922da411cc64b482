package dev.tta.obs.app.ui;

import dev.tta.obs.app.DemoWorkflows;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Click to drawn of a 10,000-span trace in real headless Chromium against the packaged jar:
 * the list is loaded, the row's navigation is started from the page (as a click does), and the
 * clock stops at the first painted frame of the waterfall and side panel. Also the bytes the
 * trace's requests moved (on the wire and decoded) and, separately, when the opened span's details
 * were on screen. Run by bench/trace-open.sh; figures go to docs/performance.md.
 *
 * <p>Arguments: {@code --opens=N} (default 15), {@code --spans=N} (default 10000),
 * {@code --jar=PATH} (default app/target/tta-obs-all.jar, e.g. an older build to compare).
 */
public final class TraceOpenBench {
    private TraceOpenBench() {
    }

    public static void main(String[] args) throws Exception {
        int opens = 15;
        int spans = 10_000;
        for (String a : args) {
            if (a.startsWith("--opens=")) {
                opens = Integer.parseInt(a.substring(8));
            } else if (a.startsWith("--spans=")) {
                spans = Integer.parseInt(a.substring(8));
            } else if (a.startsWith("--jar=")) {
                System.setProperty(PackagedService.JAR_PROPERTY, a.substring(6));
            } else {
                throw new IllegalArgumentException("unknown argument " + a + " (--opens=N, --spans=N, --jar=PATH)");
            }
        }
        Path tmp = Files.createTempDirectory("tta-obs-trace-open");
        try (PackagedService service = new PackagedService(tmp);
             DemoWorkflows demo = new DemoWorkflows(service.url("/v1/traces"))) {
            String traceId = demo.bigRun(spans);
            if (!demo.flush()) {
                throw new IllegalStateException("tta-obs did not acknowledge every span");
            }
            ChromeDriver driver = Browser.start(Files.createDirectories(tmp.resolve("profile")));
            try {
                run(driver, service, traceId, spans, opens);
            } finally {
                driver.quit();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void run(ChromeDriver driver, PackagedService service, String traceId, int spans, int opens) {
        WebDriverWait await = new WebDriverWait(driver, Duration.ofSeconds(60));
        // the details' time is read when the wait sees them: poll often
        await.pollingEvery(Duration.ofMillis(10));
        List<Double> drawn = new ArrayList<>();
        List<Double> details = new ArrayList<>();
        List<Double> fetch = new ArrayList<>();
        List<Double> render = new ArrayList<>();
        Map<String, Object> bytes = Map.of();
        // one warm-up open: the JIT of the server and the browser's module cache
        for (int i = -1; i < opens; i++) {
            driver.get(service.url("/#/traces"));
            await.until(d -> !d.findElements(By.cssSelector("tr[data-trace-id='" + traceId + "']")).isEmpty());
            driver.executeScript("performance.clearResourceTimings(); window.__ttaObsRender = null;"
                    + "window.__clickAt = performance.now(); location.hash = '#/trace/" + traceId + "'");
            await.until(d -> d.findElements(By.cssSelector("#span-details-loading")).isEmpty()
                    && driver.executeScript("return window.__ttaObsRender && window.__ttaObsRender.traceId") != null);
            Map<String, Object> r = (Map<String, Object>) driver.executeScript(
                    "const r = window.__ttaObsRender; const now = performance.now();"
                            // a build older than render.at counts from the trace view's start, a hair after the click
                            + "const res = performance.getEntriesByType('resource').filter(e => e.name.includes('" + traceId + "'));"
                            + "return {drawn: r.at != null ? r.at - window.__clickAt : r.totalMs, details: now - window.__clickAt, fetch: r.fetchMs, render: r.renderMs, spans: r.spans,"
                            + " requests: res.map(e => e.name.replace(location.origin, '')).join(' '),"
                            + " transfer: res.reduce((n, e) => n + e.transferSize, 0), decoded: res.reduce((n, e) => n + e.decodedBodySize, 0)}");
            if (((Number) r.get("spans")).intValue() != spans) {
                throw new IllegalStateException("drew " + r.get("spans") + " spans, expected " + spans);
            }
            if (i < 0) {
                continue;
            }
            drawn.add(((Number) r.get("drawn")).doubleValue());
            details.add(((Number) r.get("details")).doubleValue());
            fetch.add(((Number) r.get("fetch")).doubleValue());
            render.add(((Number) r.get("render")).doubleValue());
            bytes = r;
        }
        System.out.printf(Locale.ROOT, "%,d-span trace, %d opens after one warm-up%n", spans, opens);
        System.out.printf(Locale.ROOT, "click to drawn:          %s%n", quartiles(drawn));
        System.out.printf(Locale.ROOT, "  of which fetch+parse:  %s%n", quartiles(fetch));
        System.out.printf(Locale.ROOT, "  of which render:       %s%n", quartiles(render));
        System.out.printf(Locale.ROOT, "click to span details:   %s (seen by polling every 10 ms, plus a WebDriver round trip)%n", quartiles(details));
        System.out.printf(Locale.ROOT, "bytes (last open): %,d on the wire, %,d decoded; requests: %s%n",
                ((Number) bytes.get("transfer")).longValue(), ((Number) bytes.get("decoded")).longValue(), bytes.get("requests"));
    }

    private static String quartiles(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(Double::compare);
        int n = v.size();
        return String.format(Locale.ROOT, "median %.0f ms (quartiles %.0f-%.0f, min %.0f, max %.0f)",
                v.get(n / 2), v.get(n / 4), v.get((3 * n) / 4), v.get(0), v.get(n - 1));
    }
}
