package dev.tta.obs.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tta.obs.app.DemoWorkflows;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19, items 3 and 7 in a real headless Chromium: the LLM calls across every trace (find the
 * costliest call of the last hour without typing a URL), a trace's own calls, and compare.
 */
class DashboardLlmCallsIT extends BrowserSession {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVIL_WORKFLOW = "<img src=x onerror=alert(1)>";
    @TempDir
    static Path tmp;
    static PackagedService service;
    static DemoWorkflows demo;
    static SdkTracerProvider agents;
    static String fallbackRun;
    static String failingRun;
    static String evilRun;
    static String baselineRun;
    static String switchedRun;

    @BeforeAll
    static void startServiceAndSendWorkflows() throws Exception {
        Browser.assumeInstalled();
        service = new PackagedService(tmp);
        demo = new DemoWorkflows(service.url("/v1/traces"));
        demo.researchRun("How do TTA.dev primitives compose?", false);
        demo.researchRun("How do TTA.dev primitives compose?", true);
        fallbackRun = demo.fallbackRun();
        failingRun = demo.failingToolRun();
        demo.unreportedUsageRun();
        assertThat(demo.flush()).as("tta-obs acknowledged every span").isTrue();

        agents = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "agent-svc"))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(service.url("/v1/traces"))
                        .setTimeout(Duration.ofSeconds(30)).build()).setScheduleDelay(Duration.ofMillis(50)).build())
                .build();
        Tracer tracer = agents.get("test.agents");
        Span root = tracer.spanBuilder("agent.run").setAttribute("workflow.name", EVIL_WORKFLOW).startSpan();
        Span llm = tracer.spanBuilder("chat").setParent(Context.root().with(root))
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
                .setAttribute("gen_ai.request.model", "<b>gpt-4o</b>").setAttribute("gen_ai.usage.input_tokens", 10L)
                .setAttribute("gen_ai.usage.output_tokens", 5L).startSpan();
        llm.end();
        root.end();
        evilRun = root.getSpanContext().getTraceId();
        baselineRun = answerRun(tracer, false);
        Thread.sleep(20);
        switchedRun = answerRun(tracer, true);
        assertThat(agents.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    private static String message(String role, String text) {
        return "{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":\"" + text + "\"}]}";
    }

    /**
     * The same question answered twice: the second run hits the cache (its cache span renamed),
     * falls back once, and asks gpt-4o-mini instead of gpt-4o, which answers differently.
     */
    private static String answerRun(Tracer tracer, boolean second) {
        Span root = tracer.spanBuilder("answer.run").setAttribute("workflow.name", "answer").startSpan();
        Context in = Context.root().with(root);
        tracer.spanBuilder(second ? "answer-cache.get" : "CachePrimitive.execute").setParent(in)
                .setAttribute("primitive.type", "CachePrimitive").setAttribute("cache.hit", second).startSpan().end();
        if (second) {
            tracer.spanBuilder("FallbackPrimitive.execute").setParent(in).setAttribute("primitive.type", "FallbackPrimitive")
                    .setAttribute("fallback.used_fallback", true).startSpan().end();
        }
        String model = second ? "gpt-4o-mini" : "gpt-4o";
        tracer.spanBuilder("chat " + model).setParent(in)
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
                .setAttribute("gen_ai.request.model", model).setAttribute("gen_ai.usage.input_tokens", second ? 100L : 120L)
                .setAttribute("gen_ai.usage.output_tokens", second ? 15L : 20L)
                .setAttribute("gen_ai.input.messages", "[" + message("system", "Be brief.") + ","
                        + message("user", "Why did checkout fail? <script>alert(1)</script>") + "]")
                .setAttribute("gen_ai.output.messages", "[" + message("assistant", second
                        ? "Checkout broke after the cache TTL change." : "The cache TTL change broke checkout.") + "]")
                .startSpan().end();
        root.end();
        return root.getSpanContext().getTraceId();
    }

    @AfterAll
    static void stopService() throws Exception {
        if (agents != null) {
            agents.shutdown().join(30, TimeUnit.SECONDS);
        }
        if (demo != null) {
            demo.close();
        }
        if (service != null) {
            service.close();
        }
    }

    static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url(path))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theCostliestCallOfTheLastHour_isTwoClicksFromTheStartPage_andOpensOnItsSpan() throws Exception {
        long stored = api("/api/llm-calls/totals").get("calls").asLong();
        JsonNode costliest = api("/api/llm-calls?sort=cost&limit=1").get("calls").get(0);
        assertThat(costliest.get("traceId").asText()).as("the fallback's Anthropic call").isEqualTo(fallbackRun);

        driver.get(service.url("/"));
        driver.findElement(By.cssSelector("nav a[data-nav='llm-calls']")).click();
        await.until(d -> d.getCurrentUrl().endsWith("#/llm-calls"));
        await.until(d -> callRows().size() == stored);
        assertThat(driver.findElement(By.cssSelector("nav a[data-nav='llm-calls']")).getAttribute("class")).contains("active");
        assertThat(driver.findElement(By.id("call-totals")).getText()).startsWith(stored + " calls in ");
        assertThat(column("time")).as("newest first by default").isNotEmpty();

        new Select(driver.findElement(By.cssSelector("select[aria-label='Time window']"))).selectByValue("1h");
        await.until(d -> d.getCurrentUrl().contains("window=1h"));
        header("cost").click();
        await.until(d -> d.getCurrentUrl().contains("sort=cost") && d.getCurrentUrl().contains("order=desc"));
        await.until(d -> costliest.get("spanId").asText().equals(firstRow().getAttribute("data-span-id")));
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("last hour");
        assertThat(firstRow().findElement(By.cssSelector("td[data-col='model']")).getText()).isEqualTo("anthropic / claude-3-5-haiku");
        List<String> costs = column("cost");
        // 1,430 in and 58 out at $0.80 and $4.00 per million
        assertThat(costs.get(0)).isEqualTo("$0.00138");
        assertThat(costs).as("an unknown cost is never shown as $0").contains("usage unknown").doesNotContain("$0.00");
        Browser.screenshot(driver, "30-llm-calls-by-cost");

        // the other direction, then back: every sort is a history entry
        header("cost").click();
        await.until(d -> d.getCurrentUrl().contains("order=asc"));
        await.until(d -> !costliest.get("spanId").asText().equals(firstRow().getAttribute("data-span-id")));
        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().contains("order=desc"));
        await.until(d -> costliest.get("spanId").asText().equals(firstRow().getAttribute("data-span-id")));

        firstRow().findElement(By.cssSelector("td[data-col='duration']")).click();
        await.until(d -> d.getCurrentUrl().contains("#/trace/" + fallbackRun) && d.getCurrentUrl().contains("span=" + costliest.get("spanId").asText()));
        await.until(d -> d.findElement(By.cssSelector("#span-panel h2")).getText().equals("chat claude-3-5-haiku"));
    }

    @Test
    void filtersAreChips_theServerAnswersThem_andEveryTelemetryStringIsText() throws Exception {
        driver.get(service.url("/#/llm-calls"));
        await.until(d -> callRows().size() >= 5);
        // the model families of every stored call are offered, not only those on the page
        Select model = new Select(driver.findElement(By.cssSelector("select[data-filter='model']")));
        await.until(d -> model.getOptions().stream().anyMatch(o -> o.getText().equals("gpt-4o-mini")));
        model.selectByVisibleText("gpt-4o-mini");
        await.until(d -> d.getCurrentUrl().contains("model=gpt-4o-mini"));
        int miniCalls = api("/api/llm-calls?model=gpt-4o-mini").get("calls").size();
        await.until(d -> callRows().size() == miniCalls);
        assertThat(column("model")).allMatch(m -> m.equals("openai / gpt-4o-mini"));

        new Select(driver.findElement(By.cssSelector("select[aria-label='Status']"))).selectByValue("error");
        await.until(d -> d.getCurrentUrl().contains("status=error"));
        await.until(d -> d.findElement(By.cssSelector(".empty")).isDisplayed());
        assertThat(driver.findElement(By.cssSelector(".empty")).getText()).contains("No stored LLM call matches");
        // remove the model chip: the failed calls of every model
        driver.findElement(By.cssSelector(".active-chips button[data-filter='model']")).click();
        await.until(d -> !d.getCurrentUrl().contains("model="));
        await.until(d -> callRows().size() == 2);
        assertThat(column("status")).containsOnly("failed");
        assertThat(column("model")).containsOnly("openai / gpt-4o");

        driver.findElement(By.cssSelector(".active-chips button[data-filter='status']")).click();
        new Select(driver.findElement(By.cssSelector("select[data-filter='workflow']"))).selectByVisibleText(EVIL_WORKFLOW);
        await.until(d -> callRows().size() == 1);
        WebElement row = firstRow();
        assertThat(row.findElement(By.cssSelector("td.name")).getText()).isEqualTo(EVIL_WORKFLOW);
        assertThat(row.findElement(By.cssSelector("td[data-col='model']")).getText()).isEqualTo("openai / <b>gpt-4o</b>");
        assertThat(driver.findElements(By.cssSelector("table.llm-calls img, table.llm-calls b"))).isEmpty();
        assertThat(driver.findElement(By.cssSelector(".active-chips")).getText()).contains("workflow: " + EVIL_WORKFLOW);
        Browser.screenshot(driver, "31-llm-calls-filtered");
    }

    @Test
    void aTracesLlmRows_showTokensAndCost_andItsLlmCallsTabListsThemWithTotals() throws Exception {
        driver.get(service.url("/#/trace/" + fallbackRun));
        await.until(d -> d.findElements(By.cssSelector("#waterfall .wf-row")).size() == 8);
        List<String> usage = driver.findElements(By.cssSelector("#waterfall .wf-row .llm-usage")).stream().map(WebElement::getText).toList();
        assertThat(usage).contains("1,488 tok · $0.00138");
        WebElement tab = driver.findElement(By.id("tab-llm"));
        assertThat(tab.getText()).isEqualTo("LLM calls (3)");
        tab.click();
        await.until(d -> d.getCurrentUrl().contains("tab=llm"));
        WebElement section = await.until(d -> d.findElement(By.id("trace-llm-calls")));
        await.until(d -> section.findElements(By.cssSelector("tbody tr")).size() == 3);
        assertThat(driver.findElement(By.id("waterfall")).isDisplayed()).isFalse();
        List<String> rows = section.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(rows.get(0)).contains("chat gpt-4o", "openai / gpt-4o", "failed");
        assertThat(rows.get(2)).contains("chat claude-3-5-haiku", "anthropic / claude-3-5-haiku", "1,430", "58", "$0.00138", "ok");
        String totals = driver.findElement(By.id("llm-totals")).getText();
        assertThat(totals).contains("3 calls, 2 failed", "1,430", "$0.00138");
        Browser.screenshot(driver, "32-trace-llm-calls-tab");

        section.findElements(By.cssSelector("tbody tr")).get(2).click();
        await.until(d -> !d.getCurrentUrl().contains("tab=llm"));
        await.until(d -> d.findElement(By.id("waterfall")).isDisplayed());
        assertThat(driver.findElement(By.cssSelector("#span-panel h2")).getText()).isEqualTo("chat claude-3-5-haiku");
        driver.navigate().back();
        await.until(d -> d.getCurrentUrl().contains("tab=llm") && d.findElement(By.id("trace-llm-calls")).isDisplayed());
    }

    @Test
    void twoRunsPickedInTheList_compareSideBySide_withDeltas_andTheMatchedLlmCallsMessagesDiffed() {
        driver.get(service.url("/"));
        await.until(d -> d.findElements(By.cssSelector("tr[data-trace-id='" + switchedRun + "']")).size() == 1);
        driver.findElement(By.cssSelector("tr[data-trace-id='" + switchedRun + "'] td.pick input")).click();
        driver.findElement(By.cssSelector("tr[data-trace-id='" + baselineRun + "'] td.pick input")).click();
        driver.findElement(By.id("compare-picked")).click();
        await.until(d -> d.getCurrentUrl().contains("#/compare?a=" + baselineRun + "&b=" + switchedRun));
        WebElement totals = await.until(d -> d.findElement(By.cssSelector(".compare-totals")));
        assertThat(metric(totals, "cache hits")).startsWith("cache hits 0 1");
        assertThat(metric(totals, "fallbacks")).startsWith("fallbacks 0 1");
        assertThat(metric(totals, "retries")).startsWith("retries 0 0");
        assertThat(metric(totals, "tokens")).startsWith("tokens 140 115 −25");
        assertThat(metric(totals, "LLM calls")).startsWith("llm calls 1 1");

        WebElement spans = driver.findElement(By.cssSelector(".compare-spans"));
        List<String> rows = spans.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(rows).hasSize(4);
        // the renamed cache span is the same step; the model switch is one call; the fallback is new
        WebElement cache = spans.findElement(By.cssSelector("tr[data-path='answer.run › CachePrimitive.execute']"));
        assertThat(cache.getText()).contains("CachePrimitive.execute", "answer-cache.get");
        WebElement call = spans.findElement(By.cssSelector("tr[data-path='answer.run › LLM call']"));
        assertThat(call.getText()).contains("chat gpt-4o", "chat gpt-4o-mini", "gpt-4o → gpt-4o-mini");
        assertThat(call.getAttribute("class")).doesNotContain("added").doesNotContain("missing");
        assertThat(spans.findElements(By.cssSelector("tr.added"))).singleElement()
                .satisfies(r -> assertThat(r.getText()).contains("FallbackPrimitive.execute", "only in B"));
        assertThat(spans.findElements(By.cssSelector("tr.missing"))).isEmpty();
        // two waterfalls: a bar on each side of a matched row
        assertThat(call.findElements(By.cssSelector(".wf-bar"))).hasSize(2);

        WebElement llm = driver.findElement(By.cssSelector(".compare-llm details"));
        assertThat(llm.findElement(By.tagName("summary")).getText()).contains("gpt-4o → gpt-4o-mini", "tokens 140 → 115");
        List<String> removed = llm.findElements(By.cssSelector(".diff-removed")).stream().map(WebElement::getText).toList();
        List<String> added = llm.findElements(By.cssSelector(".diff-added")).stream().map(WebElement::getText).toList();
        List<String> same = llm.findElements(By.cssSelector(".diff-same")).stream().map(WebElement::getText).toList();
        assertThat(removed).containsExactly("−assistant: The cache TTL change broke checkout.");
        assertThat(added).containsExactly("+assistant: Checkout broke after the cache TTL change.");
        assertThat(same).anyMatch(l -> l.contains("system: Be brief."))
                .anyMatch(l -> l.contains("user: Why did checkout fail? <script>alert(1)</script>"));
        assertThat(driver.findElements(By.cssSelector(".compare script"))).isEmpty();
        Browser.screenshot(driver, "33-compare-side-by-side");
    }

    private static String metric(WebElement totals, String label) {
        // the header cells are upper-cased by the style sheet
        return totals.findElement(By.cssSelector("tr[data-metric='" + label + "']")).getText().toLowerCase(java.util.Locale.ROOT);
    }

    private WebElement header(String column) {
        return driver.findElement(By.cssSelector("th[data-sort='" + column + "'] button"));
    }

    private WebElement firstRow() {
        return driver.findElement(By.cssSelector("table.llm-calls tbody tr"));
    }

    @SuppressWarnings("unchecked")
    private List<String> callRows() {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll('table.llm-calls tbody tr[data-span-id]')].map((r) => r.dataset.spanId)");
    }

    @SuppressWarnings("unchecked")
    private List<String> column(String name) {
        return new ArrayList<>((List<String>) driver.executeScript("return [...document.querySelectorAll(\"table.llm-calls tbody td[data-col='" + name + "']\")].map((td) => td.innerText.trim())"));
    }
}
