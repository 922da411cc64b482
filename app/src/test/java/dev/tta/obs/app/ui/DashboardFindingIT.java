package dev.tta.obs.app.ui;

import dev.tta.obs.app.DemoWorkflows;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 in a real headless Chromium: finding the trace that holds a span, sorting, metrics that
 * land on the list they count, the URL as the page's state, and errors grouped as a human would.
 */
class DashboardFindingIT extends BrowserSession {
    @TempDir
    static Path tmp;
    static PackagedService service;
    static DemoWorkflows demo;
    static SdkTracerProvider failures;
    static String cacheMissRun;
    static String cacheHitRun;
    static String fallbackRun;
    static String failingRun;
    static List<String> stepTimeouts = new ArrayList<>();
    static String onGpt4o;
    static String onGpt4oMini;

    @BeforeAll
    static void startServiceAndSendWorkflows() throws Exception {
        Browser.assumeInstalled();
        service = new PackagedService(tmp);
        demo = new DemoWorkflows(service.url("/v1/traces"));
        cacheMissRun = demo.researchRun("How do TTA.dev primitives compose?", false);
        cacheHitRun = demo.researchRun("How do TTA.dev primitives compose?", true);
        fallbackRun = demo.fallbackRun();
        failingRun = demo.failingToolRun();
        assertThat(demo.flush()).as("tta-obs acknowledged every span").isTrue();

        failures = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "batch-runner"))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(service.url("/v1/traces"))
                        .setTimeout(Duration.ofSeconds(30)).build()).setScheduleDelay(Duration.ofMillis(50)).build())
                .build();
        Tracer tracer = failures.get("test.failures");
        // one failure kind in three runs, its message differing only in numbers and durations
        for (int step : new int[] {16, 8, 3}) {
            stepTimeouts.add(failingStep(tracer, new java.util.concurrent.TimeoutException("timed out after " + (step % 5 + 1) + "s (step " + step + ")")));
        }
        failingStep(tracer, new IllegalArgumentException("unsupported region 'mars-1'"));
        onGpt4o = agentRun(tracer, "gpt-4o");
        onGpt4oMini = agentRun(tracer, "gpt-4o-mini");
        assertThat(failures.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()).as("tta-obs acknowledged the failing runs").isTrue();
    }

    private static String failingStep(Tracer tracer, Exception thrown) {
        Span root = tracer.spanBuilder("nightly.batch").startSpan();
        Span step = tracer.spanBuilder("batch.step").setParent(Context.root().with(root)).startSpan();
        step.recordException(thrown);
        step.setStatus(StatusCode.ERROR, thrown.getMessage());
        step.end();
        root.setStatus(StatusCode.ERROR, "batch failed");
        root.end();
        return root.getSpanContext().getTraceId();
    }

    /** One agent run whose only LLM call uses the given model. */
    private static String agentRun(Tracer tracer, String model) {
        Span root = tracer.spanBuilder("agent.run").startSpan();
        Span llm = tracer.spanBuilder("chat " + model).setParent(Context.root().with(root))
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
                .setAttribute("gen_ai.request.model", model).setAttribute("gen_ai.usage.input_tokens", 120L)
                .setAttribute("gen_ai.usage.output_tokens", 30L).startSpan();
        llm.end();
        root.end();
        return root.getSpanContext().getTraceId();
    }

    @AfterAll
    static void stopService() throws Exception {
        if (failures != null) {
            failures.shutdown().join(30, TimeUnit.SECONDS);
        }
        if (demo != null) {
            demo.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void searchForAnInnerSpanName_listsTheTraceThatHoldsIt_andOpensItOnThatSpan() {
        driver.get(service.url("/"));
        await.until(d -> rowIds().size() >= 8);
        WebElement search = driver.findElement(By.cssSelector("input.search"));
        assertThat(search.getAttribute("placeholder")).contains("span names").contains("attribute values");
        // an inner span's name: the server finds it, and the page shows what the server found
        search.sendKeys("lookup_customer");
        await.until(d -> d.getCurrentUrl().contains("q=lookup_customer"));
        await.until(d -> rowIds().equals(List.of(failingRun)));
        assertThat(driver.findElement(By.cssSelector(".empty")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("lookup_customer");
        Browser.screenshot(driver, "20-search-inner-span");

        driver.findElement(By.cssSelector("tr[data-trace-id='" + failingRun + "'] td.name a")).click();
        await.until(d -> d.getCurrentUrl().contains("#/trace/" + failingRun));
        // highlighted: the spans the server's search matched (the tool, and the LLM answer that names it), not the rest
        await.until(d -> !d.findElements(By.cssSelector("#waterfall .wf-row.match")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("#waterfall .wf-row.match .label")).stream().map(WebElement::getText))
                .containsExactly("chat gpt-4o-mini", "tool.lookup_customer");
        assertThat(driver.findElements(By.cssSelector("#waterfall .wf-row.dim .label")).stream().map(WebElement::getText))
                .containsExactly("workflow.run");
        assertThat(driver.findElement(By.cssSelector("#span-panel h2")).getText()).isEqualTo("tool.lookup_customer");
        assertThat(driver.findElement(By.cssSelector("input[aria-label='Search within the trace']")).getAttribute("value")).isEqualTo("lookup_customer");
        Browser.screenshot(driver, "21-trace-opened-from-search");
    }

    @Test
    void columnHeadersSortTheListBothWays_inTheUrl_andBackUndoesASort() {
        driver.get(service.url("/"));
        await.until(d -> rowIds().size() >= 8);
        header("duration").click();
        await.until(d -> d.getCurrentUrl().contains("sort=duration"));
        await.until(d -> sorted(durations(), Comparator.reverseOrder()));
        assertThat(rowIds().get(0)).isEqualTo(fallbackRun);
        assertThat(driver.findElement(By.cssSelector("th[data-sort='duration']")).getAttribute("aria-sort")).isEqualTo("descending");

        header("duration").click();
        await.until(d -> d.getCurrentUrl().contains("sort=duration&order=asc"));
        await.until(d -> sorted(durations(), Comparator.naturalOrder()));
        assertThat(driver.findElement(By.cssSelector("th[data-sort='duration']")).getAttribute("aria-sort")).isEqualTo("ascending");

        header("spans").click();
        await.until(d -> d.getCurrentUrl().contains("sort=spans&order=desc"));
        await.until(d -> sorted(column("spans").stream().map(v -> Double.parseDouble(v.replace(",", ""))).toList(), Comparator.reverseOrder()));
        assertThat(column("spans").get(0)).isEqualTo("8");
        Browser.screenshot(driver, "22-sorted-by-spans");

        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().endsWith("sort=duration&order=asc"));
        await.until(d -> sorted(durations(), Comparator.naturalOrder()));

        header("cost").click();
        await.until(d -> d.getCurrentUrl().contains("sort=cost"));
        // the most expensive run first; traces without a price go last, never among the cheapest
        await.until(d -> rowIds().get(0).equals(fallbackRun));
        List<String> costs = column("cost");
        assertThat(costs.get(0)).isEqualTo("$0.00138");
        assertThat(costs.subList(0, 3)).allMatch(c -> c.startsWith("$"));
    }

    @Test
    void metricsChartsAndCards_landOnTheListTheyCount_withRemovableChips_andBackWorks() {
        driver.get(service.url("/#/metrics"));
        WebElement bar = await.until(d -> d.findElements(By.cssSelector(".chart svg a rect")).stream().findFirst().orElse(null));
        // the bar's tooltip says how many traces it counts ("10:42: 7")
        String title = bar.findElement(By.tagName("title")).getAttribute("textContent");
        int counted = Integer.parseInt(title.substring(title.lastIndexOf(' ') + 1));
        driver.executeScript("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", bar);
        await.until(d -> d.getCurrentUrl().contains("#/traces?start="));
        assertThat(driver.getCurrentUrl()).contains("&end=");
        await.until(d -> rowIds().size() == counted);
        String chips = driver.findElement(By.cssSelector(".active-chips")).getText();
        assertThat(chips).contains("from ").contains("until ");
        Browser.screenshot(driver, "23-list-from-a-chart-point");

        driver.findElement(By.cssSelector(".active-chips [data-filter='start']")).click();
        await.until(d -> !d.getCurrentUrl().contains("start="));
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).doesNotContain("from ").contains("until ");
        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().contains("start="));
        await.until(d -> d.findElement(By.cssSelector(".active-chips")).getText().contains("from "));
        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().endsWith("#/metrics"));

        WebElement errorCard = await.until(d -> d.findElements(By.cssSelector(".cards a.card")).stream()
                .filter(c -> c.getText().contains("error rate")).findFirst().orElse(null));
        errorCard.click();
        await.until(d -> d.getCurrentUrl().contains("#/traces?errors=true"));
        await.until(d -> rowIds().contains(failingRun));
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id]"))).allMatch(r -> r.getAttribute("class").contains("has-error"));
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("errors only");
    }

    @Test
    void changingOnlyTheQueryOfTheHash_updatesTheView_andFiltersAreHistoryEntries() {
        driver.get(service.url("/#/traces"));
        await.until(d -> rowIds().contains(cacheHitRun));
        driver.executeScript("location.hash = '#/traces?errors=true'");
        await.until(d -> !rowIds().contains(cacheHitRun));
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("errors only");
        assertThat(driver.findElement(By.xpath("//button[text()='errors only']")).getAttribute("aria-pressed")).isEqualTo("true");

        driver.findElement(By.xpath("//button[text()='errors only']")).click();
        await.until(d -> rowIds().contains(cacheHitRun));
        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().endsWith("#/traces?errors=true"));
        await.until(d -> !rowIds().contains(cacheHitRun));

        // ?span= typed into an open trace selects that span without a reload
        driver.get(service.url("/#/trace/" + cacheMissRun));
        WebElement llmRow = await.until(d -> d.findElements(By.cssSelector("#waterfall .wf-row")).stream()
                .filter(r -> r.getText().contains("chat gpt-4o-mini")).findFirst().orElse(null));
        String spanId = llmRow.getAttribute("data-span-id");
        driver.executeScript("window.__sameDocument = true; location.hash = '#/trace/" + cacheMissRun + "?span=" + spanId + "'");
        await.until(d -> d.findElement(By.cssSelector("#span-panel h2")).getText().equals("chat gpt-4o-mini"));
        assertThat(driver.executeScript("return window.__sameDocument")).isEqualTo(true);
    }

    @Test
    void errorsPage_groupsOneFailureKindWhateverItsNumbers_mostFrequentFirst_oneLineEach() {
        driver.get(service.url("/#/errors"));
        await.until(d -> d.findElements(By.cssSelector(".error-group")).size() >= 3);
        List<WebElement> groups = driver.findElements(By.cssSelector(".error-group"));
        WebElement first = groups.get(0);
        String line = first.findElement(By.tagName("summary")).getText();
        assertThat(line).startsWith("3×").contains("java.util.concurrent.TimeoutException")
                .contains("timed out after <duration> (step <n>)").contains("batch-runner").contains("last ");
        assertThat(groups.stream().map(g -> g.getAttribute("data-count")).map(Integer::parseInt).toList())
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(groups).noneMatch(g -> g.getAttribute("open") != null);
        assertThat(groups).allMatch(g -> g.getSize().getHeight() < 40);
        assertThat(driver.findElements(By.cssSelector(".error-group pre.stack"))).noneMatch(WebElement::isDisplayed);
        assertThat(groups.stream().map(g -> g.findElement(By.tagName("summary")).getText()))
                .anyMatch(t -> t.contains("IllegalArgumentException") && t.contains("unsupported region <str>"))
                .anyMatch(t -> t.contains("IllegalStateException") && t.contains("customer c-<n> not found"));
        Browser.screenshot(driver, "24-errors-grouped");

        first.findElement(By.tagName("summary")).click();
        await.until(d -> first.findElement(By.cssSelector("pre.stack")).isDisplayed());
        assertThat(first.findElement(By.cssSelector("pre.stack")).getText()).contains("DashboardFindingIT");
        assertThat(first.findElements(By.cssSelector(".error-traces a")).stream().map(a -> a.getAttribute("href")))
                .hasSize(3).allMatch(h -> stepTimeouts.stream().anyMatch(h::contains));
        Browser.screenshot(driver, "25-error-group-open");

        @SuppressWarnings("unchecked")
        Map<String, Object> rules = (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('/js/fingerprint.js').then((f) => done({"
                        + " ids: f.normaliseMessage('span 00f067aa0ba902b7 of 4bf92f3577b34da6a3ce929d0e0e4736 failed'),"
                        + " quoted: f.normaliseMessage('no key \"user:42\" in cache'),"
                        + " durations: f.normaliseMessage('took 1.5 seconds, limit 2000 ms'),"
                        + " java: f.topFrame('x\\n\\tat a.B.c(B.java:12)\\n\\tat a.D.e(D.java:3)'),"
                        + " python: f.topFrame('Traceback\\n  File \"/app/main.py\", line 3, in <module>\\n  File \"/app/tools.py\", line 42, in lookup'),"
                        + " sameKind: f.fingerprint({type: 'E', message: 'step 4 of 9'}) === f.fingerprint({type: 'E', message: 'step 7 of 9'}),"
                        + " otherType: f.fingerprint({type: 'E', message: 'x'}) === f.fingerprint({type: 'F', message: 'x'}) }))"
                        + ".catch((e) => done({error: String(e)}));");
        assertThat(rules).containsEntry("ids", "span <id> of <id> failed")
                .containsEntry("quoted", "no key <str> in cache")
                .containsEntry("durations", "took <duration>, limit <duration>")
                .containsEntry("java", "a.B.c")
                .containsEntry("python", "tools.py in lookup")
                .containsEntry("sameKind", true)
                .containsEntry("otherType", false);

        // recovered: a span failed but the run did not (the fallback answered); filters live in the URL
        driver.get(service.url("/#/errors?outcome=recovered"));
        // (the page redraws when the server answers: wait for the filtered list, not the one before)
        await.until(d -> summaries().stream().anyMatch(t -> t.contains("OpenAIPrimitive exceeded <duration>"))
                && summaries().stream().noneMatch(t -> t.contains("batch-runner") || t.contains("IllegalStateException")));
        new Select(driver.findElement(By.cssSelector("select[aria-label='Outcome']"))).selectByValue("failed");
        await.until(d -> d.getCurrentUrl().endsWith("#/errors?outcome=failed"));
        await.until(d -> summaries().stream().anyMatch(t -> t.contains("IllegalStateException"))
                && summaries().stream().noneMatch(t -> t.contains("OpenAIPrimitive")));
        new Select(driver.findElement(By.cssSelector("select[aria-label='Service']"))).selectByValue("batch-runner");
        await.until(d -> d.getCurrentUrl().endsWith("#/errors?service=batch-runner&outcome=failed"));
        await.until(d -> summaries().size() == 2 && summaries().stream().allMatch(t -> t.contains("batch-runner")));
        assertThat(driver.findElements(By.cssSelector(".error-group svg.spark rect"))).isNotEmpty();
        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().endsWith("#/errors?outcome=failed"));
        await.until(d -> summaries().stream().anyMatch(t -> t.contains("IllegalStateException")));
        assertThat(new Select(driver.findElement(By.cssSelector("select[aria-label='Service']"))).getFirstSelectedOption().getText()).isEqualTo("all services");
    }

    @Test
    void favicon_isServed_andDollarAmountsFollowOneRule() throws Exception {
        HttpResponse<byte[]> icon = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url("/favicon.ico"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("content-type")).hasValue("image/x-icon");
        assertThat(icon.body()).startsWith(new byte[] {0, 0, 1, 0});

        driver.get(service.url("/"));
        await.until(d -> rowIds().size() >= 8);
        assertThat(driver.findElement(By.cssSelector("link[rel='icon']")).getAttribute("href")).endsWith("/favicon.svg");
        // three significant digits, never fewer than cents: $0.0100 next to $0.00993, not $0.01
        @SuppressWarnings("unchecked")
        List<String> formatted = (List<String>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('/js/dom.js').then((m) => done([0.01, 0.00993, 0.000221, 0.5, 1.234, 12.3, 0, null].map(m.fmtUsd)));");
        assertThat(formatted).containsExactly("$0.0100", "$0.00993", "$0.000221", "$0.500", "$1.23", "$12.30", "$0", "unpriced");
        assertThat(column("cost")).filteredOn(c -> !c.isEmpty()).allMatch(c -> c.matches("\\$0\\.0*[1-9]\\d{2}|\\$\\d+\\.\\d{2}|\\$0|unpriced"));
        // no load-more button when the server said there is nothing more
        assertThat(driver.findElement(By.xpath("//button[text()='load more']")).isDisplayed()).isFalse();
    }

    /** The span the panel shows, once its details (fetched when it opens) are drawn. */
    private String openedSpan() {
        return await.until(d -> d.findElements(By.id("span-details-loading")).isEmpty()
                ? d.findElement(By.cssSelector("#span-panel h2")).getText() : null);
    }

    @Test
    void longTraceKeys_jumpBetweenErrorsAndLlmCalls_andTheMinimapZoomsIntoARange() {
        driver.get(service.url("/#/trace/" + fallbackRun));
        await.until(d -> d.findElements(By.cssSelector("#waterfall .wf-row")).size() == 8);
        WebElement body = driver.findElement(By.tagName("body"));
        List<String> errorsVisited = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            body.sendKeys("e");
            errorsVisited.add(openedSpan());
            assertThat(driver.findElement(By.cssSelector("#span-panel #span-error")).isDisplayed()).isTrue();
        }
        assertThat(errorsVisited).contains("RetryPrimitive.execute", "chat gpt-4o");
        body.sendKeys("m");
        String firstLlm = openedSpan();
        assertThat(firstLlm).startsWith("chat ");
        assertThat(driver.findElement(By.id("llm-model")).isDisplayed()).isTrue();
        body.sendKeys("m");
        body.sendKeys("m");
        assertThat(openedSpan()).isEqualTo("chat claude-3-5-haiku");
        body.sendKeys("M");
        assertThat(openedSpan()).isEqualTo("chat gpt-4o");

        // drag over the last 40% of the minimap: the first attempt (0-2 s of 5.5 s) leaves the view
        WebElement minimap = driver.findElement(By.id("minimap"));
        int w = minimap.getSize().getWidth();
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(minimap, (int) (w * 0.1), 0).clickAndHold()
                .moveByOffset((int) (w * 0.39), 0).release().perform();
        await.until(d -> "true".equals(d.findElement(By.id("waterfall")).getAttribute("data-zoomed")));
        assertThat(driver.findElement(By.id("zoom-info")).getText()).contains("zoomed to");
        WebElement firstAttempt = driver.findElements(By.cssSelector("#waterfall .wf-row")).get(3);
        assertThat(firstAttempt.getText()).contains("attempt 1");
        assertThat(firstAttempt.findElements(By.cssSelector(".wf-bar"))).isEmpty();
        Browser.screenshot(driver, "26-minimap-zoomed");
        new org.openqa.selenium.interactions.Actions(driver).doubleClick(minimap).perform();
        await.until(d -> "false".equals(d.findElement(By.id("waterfall")).getAttribute("data-zoomed")));
        assertThat(driver.findElements(By.cssSelector("#waterfall .wf-row")).get(3).findElements(By.cssSelector(".wf-bar"))).hasSize(1);
    }

    @Test
    void twoTracesPickedInTheList_openSideBySide_olderAsBaseline() {
        driver.get(service.url("/"));
        await.until(d -> rowIds().size() >= 8);
        assertThat(driver.findElement(By.id("compare-picked")).isDisplayed()).isFalse();
        driver.findElement(By.cssSelector("tr[data-trace-id='" + cacheHitRun + "'] td.pick input")).click();
        driver.findElement(By.cssSelector("tr[data-trace-id='" + failingRun + "'] td.pick input")).click();
        // a third pick replaces the first
        driver.findElement(By.cssSelector("tr[data-trace-id='" + cacheMissRun + "'] td.pick input")).click();
        assertThat(driver.findElement(By.cssSelector("tr[data-trace-id='" + cacheHitRun + "'] td.pick input")).isSelected()).isFalse();
        WebElement compare = driver.findElement(By.id("compare-picked"));
        assertThat(compare.isDisplayed()).isTrue();
        compare.click();
        await.until(d -> d.getCurrentUrl().contains("#/compare?a=" + cacheMissRun + "&b=" + failingRun));
        await.until(d -> d.findElement(By.cssSelector(".compare-totals")).getText().toLowerCase().contains("spans 4 3"));
    }

    @Test
    void compareAcrossAModelSwitch_matchesTheLlmCalls_andNamesBothModels() {
        driver.get(service.url("/#/compare?a=" + onGpt4o + "&b=" + onGpt4oMini));
        WebElement spans = await.until(d -> d.findElement(By.cssSelector(".compare-spans")));
        assertThat(spans.findElements(By.cssSelector("tr.missing, tr.added"))).isEmpty();
        assertThat(spans.findElement(By.cssSelector("tr[data-path='agent.run › LLM call']")).getText())
                .contains("gpt-4o → gpt-4o-mini");
        Browser.screenshot(driver, "27-compare-model-switch");
    }

    @SuppressWarnings("unchecked")
    private List<String> summaries() {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll('.error-group summary')].map((s) => s.innerText)");
    }

    private WebElement header(String column) {
        return driver.findElement(By.cssSelector("th[data-sort='" + column + "'] button"));
    }

    /** Read in one script, so a redraw between two reads cannot mix two versions of the list. */
    @SuppressWarnings("unchecked")
    private List<String> rowIds() {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll('tr[data-trace-id]')].map((r) => r.dataset.traceId)");
    }

    /** The text of one list column, top to bottom. */
    @SuppressWarnings("unchecked")
    private List<String> column(String name) {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll(\"tr[data-trace-id] td[data-col='" + name + "']\")].map((td) => td.innerText.trim())");
    }

    private List<Double> durations() {
        return column("duration").stream().map(DashboardFindingIT::millis).toList();
    }

    private static double millis(String shown) {
        String[] p = shown.trim().split(" ");
        double v = Double.parseDouble(p[0]);
        return switch (p[1]) {
            case "µs" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> throw new IllegalArgumentException(shown);
        };
    }

    private static <T extends Comparable<T>> boolean sorted(List<T> values, Comparator<T> order) {
        for (int i = 1; i < values.size(); i++) {
            if (order.compare(values.get(i - 1), values.get(i)) > 0) {
                return false;
            }
        }
        return values.size() > 1;
    }
}
