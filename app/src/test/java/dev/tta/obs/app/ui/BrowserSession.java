package dev.tta.obs.app.ui;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

/** A fresh headless Chromium profile per test; the page as the test left it is kept as a screenshot. */
abstract class BrowserSession {
    @TempDir
    Path profile;
    ChromeDriver driver;
    WebDriverWait await;

    @BeforeEach
    void openBrowser() {
        driver = Browser.start(profile);
        // a list redrawn by the live feed replaces its rows: a condition reading an old row asks again
        await = new WebDriverWait(driver, Duration.ofSeconds(15));
        await.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser(TestInfo test) {
        if (driver != null) {
            Browser.screenshot(driver, "last-" + test.getTestMethod().orElseThrow().getName());
            driver.quit();
        }
    }
}
