package dev.tta.obs.app.ui;

import dev.tta.obs.ports.contract.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard tells the user when tta-obs cannot store what it receives, and stops saying so once it can. */
@org.junit.jupiter.api.Tag("faults")
class DashboardHealthIT extends BrowserSession {
    @TempDir
    Path tmp;

    @Test
    void aFullDisk_showsABannerWithTheReason_untilWritesWorkAgain() throws Exception {
        Browser.assumeInstalled();
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 16);
             PackagedService service = new PackagedService(disk.dir)) {
            HttpClient http = HttpClient.newHttpClient();
            driver.get(service.url("/"));
            WebElement banner = driver.findElement(By.id("health-banner"));
            assertThat(banner.isDisplayed()).isFalse();

            Path filler = disk.dir.resolve("filler");
            disk.fill(filler);
            int t = 1;
            int refused = 0;
            for (; t < 200 && refused == 0; t++) {
                refused += export(http, service, t) == 503 ? 1 : 0;
            }
            assertThat(refused).as("an export refused for lack of space").isEqualTo(1);
            // the page polls /api/health every 5 s
            new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(20))
                    .until(d -> d.findElement(By.id("health-banner")).isDisplayed());
            assertThat(driver.findElement(By.id("health-banner")).getText()).contains("Not storing new data").contains("full");
            Browser.screenshot(driver, "health-degraded");

            disk.free(filler);
            assertThat(export(http, service, 1000)).isEqualTo(200);
            new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(20))
                    .until(d -> !d.findElement(By.id("health-banner")).isDisplayed());
        }
    }

    /** An OTLP/JSON export of 20 spans with 4 KB of incompressible text each; returns the status. */
    private static int export(HttpClient http, PackagedService service, int t) throws Exception {
        Random random = new Random(t);
        StringBuilder spans = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            StringBuilder text = new StringBuilder(4096);
            for (int c = 0; c < 4096; c++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            spans.append(i == 0 ? "" : ",").append(String.format("{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"step\","
                    + "\"startTimeUnixNano\":\"1767225600000000000\",\"endTimeUnixNano\":\"1767225600005000000\","
                    + "\"attributes\":[{\"key\":\"payload\",\"value\":{\"stringValue\":\"%s\"}}]}", t, i + 1, text));
        }
        String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"checkout\"}}]},\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service.url("/v1/traces")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }
}
