package dev.tta.obs.app.ui;

import dev.tta.obs.app.DemoWorkflows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard in a real headless Chromium against the packaged tta-obs, fed by the real OpenTelemetry SDK.
 * Timings measured here go to target/ui-timings.txt (and, by hand, to docs/performance.md).
 */
class DashboardBrowserIT extends BrowserSession {
    static final Path TIMINGS = Path.of("target", "ui-timings.txt");

    @TempDir
    static Path tmp;
    static PackagedService service;
    static DemoWorkflows demo;
    static String cacheMissRun;
    static String cacheHitRun;
    static String fallbackRun;
    static String failingRun;
    static String hundredSpanRun;
    static String bigRun;
    static String unreportedUsageRun;

    @BeforeAll
    static void startServiceAndSendWorkflows() throws Exception {
        Browser.assumeInstalled();
        service = new PackagedService(tmp);
        demo = new DemoWorkflows(service.url("/v1/traces"));
        cacheMissRun = demo.researchRun("How do TTA.dev primitives compose?", false);
        cacheHitRun = demo.researchRun("How do TTA.dev primitives compose?", true);
        fallbackRun = demo.fallbackRun();
        hundredSpanRun = demo.bigRun(100);
        bigRun = demo.bigRun(10_000);
        failingRun = demo.failingToolRun();
        unreportedUsageRun = demo.unreportedUsageRun();
        assertThat(demo.flush()).as("tta-obs acknowledged every span").isTrue();
        Files.deleteIfExists(TIMINGS);
    }

    @AfterAll
    static void stopService() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void listOpensATrace_andTheWaterfallShowsEverySpanWithItsPrimitiveBadges() {
        driver.get(service.url("/"));
        By missRow = By.cssSelector("tr[data-trace-id='" + cacheMissRun + "'] a");
        await.until(d -> d.findElement(missRow));
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id]"))).hasSizeGreaterThanOrEqualTo(6);
        Browser.screenshot(driver, "01-trace-list");
        driver.findElement(missRow).click();

        await.until(d -> d.findElements(By.cssSelector("#waterfall .wf-row")).size() == 4);
        assertThat(driver.getCurrentUrl()).contains("#/trace/" + cacheMissRun);
        assertThat(rowLabels()).containsExactly("workflow.run", "CachePrimitive.execute", "retriever.search_docs", "chat gpt-4o-mini");
        assertThat(row("CachePrimitive.execute").getText()).contains("cache miss");
        assertThat(row("chat gpt-4o-mini").getText()).contains("gpt-4o-mini").contains("910 ms");
        Browser.screenshot(driver, "02-trace-view");

        // a copied link opens the same span
        String spanUrl = driver.getCurrentUrl();
        row("retriever.search_docs").click();
        await.until(d -> d.getCurrentUrl().contains("span="));
        String link = driver.getCurrentUrl();
        assertThat(link).isNotEqualTo(spanUrl);
        driver.navigate().to(service.url("/"));
        driver.navigate().to(link);
        await.until(d -> d.findElement(By.cssSelector("#span-panel h2")).getText().equals("retriever.search_docs"));
    }

    @Test
    void llmSpan_showsItsConversationModelTokensAndCost() {
        driver.get(service.url("/#/trace/" + cacheMissRun));
        await.until(d -> row("chat gpt-4o-mini")).click();
        WebElement chat = await.until(d -> d.findElement(By.id("chat")));
        List<String> roles = chat.findElements(By.cssSelector(".msg .role")).stream().map(e -> e.getText().toLowerCase()).toList();
        assertThat(roles).hasSize(3);
        assertThat(roles.get(0)).startsWith("system");
        assertThat(roles.get(1)).startsWith("user");
        assertThat(roles.get(2)).startsWith("assistant");
        assertThat(chat.getText())
                .contains("You are a research assistant for TTA.dev")
                .contains("How do TTA.dev primitives compose?")
                .contains("TTA.dev primitives compose with >> and |.")
                .contains("search_docs").contains("\"query\": \"primitives\"");
        assertThat(driver.findElement(By.id("llm-model")).getText()).contains("gpt-4o-mini").contains("openai");
        assertThat(driver.findElement(By.id("llm-tokens")).getText()).contains("812").contains("164");
        assertThat(driver.findElement(By.id("llm-cost")).getText()).contains("$0.000221");
        Browser.screenshot(driver, "03-llm-chat");
    }

    @Test
    void aCallWithoutTokenCounts_saysSo_withTheNameItReported_andAnEarlyEventReadsNegative() {
        driver.get(service.url("/#/trace/" + unreportedUsageRun));
        await.until(d -> d.findElement(By.id("trace-cost")).getText().contains("usage unknown"));
        await.until(d -> row("chat claude-3-5-sonnet")).click();
        await.until(d -> !d.findElements(By.id("llm-tokens")).isEmpty());
        assertThat(driver.findElement(By.id("llm-tokens")).getText()).isEqualTo("tokens not reported");
        assertThat(driver.findElement(By.id("llm-model")).getText())
                .contains("claude-3-5-sonnet").contains("(claude-3-5-sonnet-20241022)").contains("anthropic");
        assertThat(driver.findElement(By.id("llm-cost")).getText()).isEqualTo("usage unknown").doesNotContain("$");
        String events = driver.findElements(By.cssSelector(".event")).stream().map(WebElement::getText).toList().toString();
        assertThat(events).contains("\u2212429.7 ms stream.first_token_requested").contains("1.00 ms stream.first_token");
    }

    @Test
    void errorSpan_showsItsMessageAndStackTrace_andTheErrorsPageGroupsIt() {
        driver.get(service.url("/#/trace/" + failingRun));
        await.until(d -> row("tool.lookup_customer")).click();
        WebElement error = await.until(d -> d.findElement(By.id("span-error")));
        assertThat(error.getText()).contains("customer c-991 not found in CRM (HTTP 404)").contains("java.lang.IllegalStateException");
        assertThat(error.findElement(By.cssSelector("pre.stack")).getText())
                .contains("at dev.tta.obs.app.DemoWorkflows.failingToolRun");
        assertThat(row("tool.lookup_customer").getAttribute("class")).contains("error");
        Browser.screenshot(driver, "04-error-span");

        driver.get(service.url("/#/errors"));
        WebElement group = await.until(d -> d.findElements(By.cssSelector(".error-group")).stream()
                .filter(g -> g.getText().contains("java.lang.IllegalStateException")).findFirst().orElse(null));
        // one line per failure kind, its message as a pattern; opened, the latest message and its stack
        assertThat(group.getText()).contains("customer c-<n> not found").doesNotContain("at dev.tta.obs.app.DemoWorkflows");
        group.findElement(By.tagName("summary")).click();
        await.until(d -> group.getText().contains("at dev.tta.obs.app.DemoWorkflows"));
        assertThat(group.getText()).contains("customer c-991 not found in CRM (HTTP 404)");
        assertThat(driver.findElements(By.cssSelector(".error-group")).stream().map(WebElement::getText))
                .anyMatch(t -> t.contains("java.util.concurrent.TimeoutException"))
                .as("a parent failing only because its child threw is not a group of its own")
                .noneMatch(t -> t.contains("tool lookup_customer failed"));
        Browser.screenshot(driver, "05-errors-page");
        group.findElement(By.cssSelector(".error-traces a")).click();
        await.until(d -> d.getCurrentUrl().contains("#/trace/" + failingRun));
        await.until(d -> d.findElement(By.id("span-error")).getText().contains("c-991"));
    }

    @Test
    void traceExportedWhileTheListIsOpen_appearsWithoutReload_andPauseHoldsItBack() throws Exception {
        driver.get(service.url("/"));
        await.until(d -> d.findElement(By.cssSelector("tr[data-trace-id='" + failingRun + "']")));
        String mode = await.until(d -> {
            Object m = driver.executeScript("return document.documentElement.dataset.live || null");
            return m == null ? null : m.toString();
        });

        String fresh = demo.researchRun("Does the live list update?", true);
        assertThat(demo.flush()).isTrue();
        long exported = System.nanoTime();
        new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(20))
                .until(d -> !d.findElements(By.cssSelector("tr[data-trace-id='" + fresh + "']")).isEmpty());
        long appearedMs = (System.nanoTime() - exported) / 1_000_000;
        record("new trace visible after its export returned (" + mode + ")", appearedMs + " ms");
        // polling every 2 s bounds the delay at ~2 s; the WebSocket feed must meet the 500 ms target
        assertThat(appearedMs).isLessThanOrEqualTo(mode.equals("websocket") ? 500 : 2500);

        driver.findElement(By.id("pause")).click();
        String held = demo.researchRun("Held back while paused", true);
        assertThat(demo.flush()).isTrue();
        WebElement pill = new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> {
            WebElement p = d.findElement(By.cssSelector(".new-pill"));
            return p.isDisplayed() ? p : null;
        });
        assertThat(pill.getText()).isEqualTo("1 new");
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id='" + held + "']"))).isEmpty();
        Browser.screenshot(driver, "06-paused-with-new");
        pill.click();
        await.until(d -> !d.findElements(By.cssSelector("tr[data-trace-id='" + held + "']")).isEmpty());
    }

    @Test
    void xssPayloadInAttributesAndMessages_isShownLiterally_andRunsNothing() {
        driver.get(service.url("/#/trace/" + failingRun));
        await.until(d -> row("workflow.run")).click();
        await.until(d -> d.findElement(By.id("span-panel")).getText().contains("user.comment"));
        assertThat(driver.findElement(By.id("span-panel")).getText()).contains(DemoWorkflows.XSS_PAYLOAD);
        row("chat gpt-4o-mini").click();
        await.until(d -> d.findElement(By.id("chat")).getText().contains("Triage ticket #4411: " + DemoWorkflows.XSS_PAYLOAD));
        driver.findElement(By.cssSelector("input.search")).sendKeys("onerror");
        await.until(d -> !d.findElements(By.cssSelector(".wf-row.match")).isEmpty());

        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat((List<?>) driver.executeScript("return window.__alerts")).isEmpty();
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        Browser.screenshot(driver, "07-xss-inert");
    }

    @Test
    void tenThousandSpanTrace_opensAndScrollsWithOnlyTheVisibleRowsInThePage() {
        driver.get(service.url("/#/trace/" + bigRun));
        await.until(d -> driver.executeScript("return window.__ttaObsRender && window.__ttaObsRender.traceId") != null);
        @SuppressWarnings("unchecked")
        Map<String, Object> render = (Map<String, Object>) driver.executeScript("return window.__ttaObsRender");
        assertThat(((Number) render.get("spans")).intValue()).isEqualTo(10_000);
        // drawn from the slim timeline, compressed on the way; the full trace is never asked for
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> requests = (List<Map<String, Object>>) driver.executeScript(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/traces/'))"
                        + ".map(e => ({path: new URL(e.name).pathname, transfer: e.transferSize, decoded: e.decodedBodySize}))");
        assertThat(requests).extracting(r -> r.get("path")).contains("/api/traces/" + bigRun + "/timeline")
                .doesNotContain("/api/traces/" + bigRun);
        Map<String, Object> timeline = requests.stream().filter(r -> r.get("path").toString().endsWith("/timeline")).findFirst().orElseThrow();
        assertThat(((Number) timeline.get("transfer")).longValue()).as("bytes on the wire, against %s decoded", timeline.get("decoded"))
                .isLessThan(((Number) timeline.get("decoded")).longValue() / 4);
        assertThat(driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/traces/" + bigRun + "/timeline').then(r => done(r.headers.get('content-encoding')))"))
                .as("Chromium asks for br over https only").isIn("gzip", "br");
        assertThat(driver.findElement(By.id("waterfall")).getAttribute("data-visible-rows")).isEqualTo("10000");
        assertThat(driver.findElements(By.cssSelector(".wf-row"))).hasSizeLessThan(200);

        @SuppressWarnings("unchecked")
        List<Number> frames = (List<Number>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const sc = document.querySelector('.wf-scroll'); const times = []; let last = performance.now();"
                        + "const step = () => { const now = performance.now(); times.push(now - last); last = now;"
                        + "  if (times.length > 240 || sc.scrollTop + sc.clientHeight >= sc.scrollHeight - 1) { done(times.slice(1)); return; }"
                        + "  sc.scrollTop += 1000; requestAnimationFrame(step); };"
                        + "requestAnimationFrame(step);");
        List<Double> sorted = new ArrayList<>(frames.stream().map(Number::doubleValue).sorted().toList());
        double p50 = sorted.get(sorted.size() / 2);
        double p95 = sorted.get((int) Math.floor(sorted.size() * 0.95));
        record("10,000-span trace: frame time while scrolling 1,000 px per frame (" + sorted.size() + " frames)",
                String.format("p50 %.1f ms, p95 %.1f ms, max %.1f ms", p50, p95, sorted.get(sorted.size() - 1)));
        assertThat(p95).as("p95 frame time while scrolling").isLessThan(100);
        driver.executeScript("const sc = document.querySelector('.wf-scroll'); sc.scrollTop = sc.scrollHeight;");
        WebElement chunk = await.until(d -> d.findElement(By.xpath("//div[contains(@class,'wf-row')]//span[@class='label' and text()='embed chunk 9798']")));
        chunk.click();
        // its attributes come from the span's own request, on demand
        await.until(d -> d.findElement(By.cssSelector("#span-panel h2")).getText().equals("embed chunk 9798")
                && d.findElements(By.id("span-details-loading")).isEmpty());
        assertThat(driver.findElement(By.id("span-panel")).getText()).contains("Attributes (");
        String spanId = driver.findElement(By.cssSelector(".wf-row.selected")).getAttribute("data-span-id");
        @SuppressWarnings("unchecked")
        List<String> paths = (List<String>) driver.executeScript("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)");
        assertThat(paths)
                .contains("/api/traces/" + bigRun + "/spans/" + spanId).doesNotContain("/api/traces/" + bigRun);
        Browser.screenshot(driver, "08-ten-thousand-spans");
    }

    @Test
    void hundredSpanTrace_opensFromTheList_withItsRowsAndTheFirstSpansDetails() {
        // how fast is bench/trace-open.sh's to say (--spans=100), on a quiet machine; this says what opens
        driver.get(service.url("/#/traces"));
        await.until(d -> !d.findElements(By.cssSelector("tr[data-trace-id='" + hundredSpanRun + "']")).isEmpty());
        driver.findElement(By.cssSelector("tr[data-trace-id='" + hundredSpanRun + "']")).click();
        await.until(d -> driver.executeScript("return window.__ttaObsRender && window.__ttaObsRender.traceId") != null);
        assertThat(((Number) driver.executeScript("return window.__ttaObsRender.spans")).intValue()).isEqualTo(100);
        assertThat(driver.findElements(By.cssSelector(".wf-row"))).hasSizeGreaterThan(30);
        await.until(d -> d.findElements(By.id("span-details-loading")).isEmpty());
        assertThat(driver.findElement(By.id("span-panel")).getText()).contains("batch.embed_corpus").contains("Attributes (");
    }

    @Test
    void apiResponses_areCompressedWhenAsked_andTinyOnesAreNot() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<byte[]>> get = (path, accept) -> {
            java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.url(path)));
            if (accept != null) {
                r.header("Accept-Encoding", accept);
            }
            try {
                return http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        java.net.http.HttpResponse<byte[]> gzip = get.apply("/api/traces/" + bigRun + "/timeline", "gzip");
        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        byte[] inflated = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body())).readAllBytes();
        java.net.http.HttpResponse<byte[]> plain = get.apply("/api/traces/" + bigRun + "/timeline", null);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(inflated).isEqualTo(plain.body());
        assertThat(gzip.body().length).isLessThan(plain.body().length / 4);
        java.net.http.HttpResponse<byte[]> br = get.apply("/api/traces/" + bigRun + "/timeline", "gzip, deflate, br");
        assertThat(br.headers().firstValue("Content-Encoding")).as("the Brotli encoder loads on this platform").hasValue("br");
        com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
        assertThat(com.aayushatharva.brotli4j.decoder.Decoder.decompress(br.body()).getDecompressedData()).isEqualTo(plain.body());
        assertThat(br.body().length).isLessThan(gzip.body().length);
        assertThat(get.apply("/api/health", "gzip").headers().firstValue("Content-Encoding")).as("a tiny response").isEmpty();
        assertThat(get.apply("/js/trace.js", "gzip").headers().firstValue("Content-Encoding")).hasValue("gzip");
    }

    @Test
    void keyboard_movesThroughTheListOpensATraceAndComesBack() {
        driver.get(service.url("/"));
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id]")).size() >= 6);
        WebElement body = driver.findElement(By.tagName("body"));
        body.sendKeys("j");
        body.sendKeys("j");
        String selected = driver.findElement(By.cssSelector("tr.selected")).getAttribute("data-trace-id");
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id]")).get(2).getAttribute("data-trace-id")).isEqualTo(selected);
        body.sendKeys("k");
        String opened = driver.findElement(By.cssSelector("tr.selected")).getAttribute("data-trace-id");
        body.sendKeys(Keys.ENTER);
        await.until(d -> d.getCurrentUrl().contains("#/trace/" + opened));
        await.until(d -> !d.findElements(By.cssSelector(".wf-row")).isEmpty());
        driver.findElement(By.tagName("body")).sendKeys("/");
        assertThat(driver.switchTo().activeElement().getAttribute("aria-label")).isEqualTo("Search within the trace");
        driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        await.until(d -> d.getCurrentUrl().contains("#/traces"));
        driver.findElement(By.tagName("body")).sendKeys("/");
        assertThat(driver.switchTo().activeElement().getAttribute("aria-label")).isEqualTo("Search traces");
    }

    @Test
    void filtersLiveInTheUrl_soACopiedLinkShowsTheSameList() {
        driver.get(service.url("/"));
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id]")).size() >= 6);
        driver.findElement(By.xpath("//button[text()='errors only']")).click();
        await.until(d -> d.getCurrentUrl().contains("errors=true"));
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id='" + cacheHitRun + "']")).isEmpty());
        // the fallback run's errors were absorbed: it recovered, and "errors only" means failed runs
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id='" + fallbackRun + "']")).isEmpty());
        String link = driver.getCurrentUrl();
        driver.get("about:blank");
        driver.get(link);
        await.until(d -> !d.findElements(By.cssSelector("tr[data-trace-id='" + failingRun + "']")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id]")))
                .allMatch(r -> r.getAttribute("class").contains("has-error"));
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("errors only");
    }

    @Test
    void recoveredAndFailedRuns_wearTheirOwnBadges_andTheOutcomeFilterKeepsOnlyTheFailedRun() {
        driver.get(service.url("/"));
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id]")).size() >= 6);
        WebElement recovered = listRow(fallbackRun);
        WebElement failed = listRow(failingRun);
        assertThat(outcomeBadges(recovered)).containsExactly("recovered");
        assertThat(recovered.findElement(By.xpath(".//span[text()='recovered']")).getAttribute("class")).contains("warn");
        assertThat(recovered.getAttribute("class")).doesNotContain("has-error");
        assertThat(outcomeBadges(failed)).containsExactly("failed");
        assertThat(failed.findElement(By.xpath(".//span[text()='failed']")).getAttribute("class")).contains("err");
        assertThat(failed.getAttribute("class")).contains("has-error");
        assertThat(outcomeBadges(listRow(cacheHitRun))).isEmpty();
        // the fallback's retry ran twice: attempts, not re-attempts, as the tree counts them
        assertThat(recovered.findElement(By.cssSelector("td.badges")).getText()).contains("2 attempts");

        new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("select[aria-label='Outcome']")))
                .selectByValue("failed");
        await.until(d -> d.getCurrentUrl().contains("outcome=failed"));
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id='" + fallbackRun + "']")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id]")))
                .extracting(r -> r.getAttribute("data-trace-id")).containsExactly(failingRun);
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("outcome: failed");

        driver.get(service.url("/#/trace/" + fallbackRun));
        await.until(d -> !d.findElements(By.id("trace-outcome")).isEmpty());
        assertThat(driver.findElement(By.id("trace-outcome")).getText()).isEqualTo("recovered");
    }

    private WebElement listRow(String traceId) {
        return driver.findElement(By.cssSelector("tr[data-trace-id='" + traceId + "']"));
    }

    private static List<String> outcomeBadges(WebElement row) {
        return row.findElements(By.cssSelector("td.badges .badge")).stream().map(WebElement::getText)
                .filter(t -> t.equals("failed") || t.equals("recovered")).toList();
    }

    @Test
    void compareTwoRuns_showsTheSpansOnlyOneOfThemHad() {
        driver.get(service.url("/#/trace/" + cacheHitRun));
        await.until(d -> !d.findElements(By.cssSelector(".wf-row")).isEmpty());
        driver.findElement(By.xpath("//button[text()='compare with previous run']")).click();
        await.until(d -> d.getCurrentUrl().contains("#/compare?a=" + cacheMissRun + "&b=" + cacheHitRun));
        WebElement spans = await.until(d -> d.findElement(By.cssSelector(".compare-spans")));
        // rows only A has: the LLM call (its path says so, its cells name the span and the model) and the retriever
        assertThat(spans.findElements(By.cssSelector("tr.missing")))
                .anyMatch(r -> r.getAttribute("data-path").endsWith("› LLM call") && r.getText().contains("gpt-4o-mini"))
                .anyMatch(r -> r.getText().contains("retriever.search_docs"));
        String totals = driver.findElement(By.cssSelector(".compare-totals")).getText();
        assertThat(totals).containsIgnoringCase("spans 4 2").containsIgnoringCase("tokens 976 0");
        Browser.screenshot(driver, "09-compare");
    }

    @Test
    void metricsSettingsEmbeddedModeAndDarkTheme_render() {
        driver.get(service.url("/#/metrics"));
        WebElement cards = await.until(d -> {
            WebElement c = d.findElement(By.cssSelector(".cards"));
            return c.getText().contains("traces") ? c : null;
        });
        assertThat(cards.getText()).contains("average latency").contains("error rate").contains("cache hit rate").contains("cost today");
        await.until(d -> !d.findElements(By.cssSelector(".chart svg")).isEmpty());
        await.until(d -> d.findElement(By.cssSelector(".charts")).getText().contains("gpt-4o-mini"));
        Browser.screenshot(driver, "10-metrics");

        driver.get(service.url("/#/settings"));
        await.until(d -> d.findElement(By.cssSelector(".settings-table")).getText().contains("version"));
        assertThat(driver.findElement(By.cssSelector(".settings-table")).getText()).contains("sqlite").contains("/v1/traces");

        String lightBg = background();
        driver.findElement(By.id("theme-toggle")).click();
        assertThat(background()).isNotEqualTo(lightBg);
        Browser.screenshot(driver, "11-settings-dark");

        driver.get(service.url("/?embed=1#/trace/" + cacheMissRun));
        await.until(d -> !d.findElements(By.cssSelector(".wf-row")).isEmpty());
        assertThat(driver.findElement(By.id("chrome")).isDisplayed()).as("outer chrome hidden in the webview").isFalse();
        driver.executeScript("document.documentElement.style.setProperty('--vscode-editor-background', 'rgb(1, 2, 3)')");
        assertThat(background()).isEqualTo("rgb(1, 2, 3)");
        driver.executeScript("document.body.classList.add('vscode-light')");
        await.until(d -> "light".equals(driver.executeScript("return document.documentElement.dataset.theme")));
        Browser.screenshot(driver, "12-embedded");
    }

    private String background() {
        return String.valueOf(driver.executeScript("return getComputedStyle(document.body).backgroundColor"));
    }

    private List<String> rowLabels() {
        return driver.findElements(By.cssSelector("#waterfall .wf-row .label")).stream().map(WebElement::getText).toList();
    }

    private WebElement row(String name) {
        return driver.findElements(By.cssSelector("#waterfall .wf-row")).stream()
                .filter(r -> r.findElement(By.cssSelector(".label")).getText().equals(name)).findFirst().orElse(null);
    }

    private static void record(String what, String value) {
        try {
            Files.createDirectories(TIMINGS.getParent());
            Files.writeString(TIMINGS, what + ": " + value + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
