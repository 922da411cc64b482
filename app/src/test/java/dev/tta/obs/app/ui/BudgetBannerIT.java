package dev.tta.obs.app.ui;

import dev.tta.obs.app.LlmRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's budget banner in a real Chromium: hidden within budget, shown live when a run crosses it. */
class BudgetBannerIT extends BrowserSession {
    @TempDir
    static Path tmp;
    static PackagedService service;

    @BeforeAll
    static void startService() throws Exception {
        Browser.assumeInstalled();
        service = new PackagedService(tmp, "--budget-run-usd=0.0005", "--budget-daily-usd=5");
    }

    @AfterAll
    static void stopService() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aRunOverTheRunBudget_raisesTheBanner_live_andItLinksToThatRun() throws Exception {
        driver.get(service.url("/"));
        await.until(d -> "websocket".equals(d.findElement(By.tagName("html")).getDomAttribute("data-live")));
        WebElement banner = driver.findElement(By.id("budget-banner"));
        assertThat(banner.isDisplayed()).isFalse();

        String costly;
        try (LlmRuns runs = new LlmRuns(service.url("/v1/traces"))) {
            runs.run("support", Instant.now().minusSeconds(5), 100, 1000, 200, false);
            // 3000 input + 200 output tokens of gpt-4o-mini: $0.00057, over the $0.0005 run budget
            costly = runs.run("support", Instant.now().minusSeconds(2), 100, 3000, 200, false);
            assertThat(runs.flush()).isTrue();
        }
        await.until(d -> d.findElement(By.id("budget-banner")).isDisplayed());
        assertThat(banner.getText()).startsWith("⚠ Budget exceeded: 1 run today cost more than the $0.000500 run budget.")
                .endsWith("Costliest run: $0.000570");
        assertThat(banner.getDomAttribute("role")).isEqualTo("alert");
        Browser.screenshot(driver, "budget-banner");

        banner.findElement(By.linkText("Costliest run: $0.000570")).click();
        await.until(d -> d.getCurrentUrl().endsWith("#/trace/" + costly));

        // a page opened later reads it from /api/stats
        driver.navigate().refresh();
        await.until(d -> d.findElement(By.id("budget-banner")).isDisplayed());
        assertThat(driver.findElement(By.id("budget-banner")).getText()).contains("1 run today cost more");
    }
}
