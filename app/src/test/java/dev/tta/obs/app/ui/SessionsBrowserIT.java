package dev.tta.obs.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tta.obs.app.DemoWorkflows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Sessions view and the feedback controls in a real headless Chromium against the packaged
 * tta-obs, fed by the OpenTelemetry SDK: a three-turn conversation reads as one, each turn opens
 * its trace, and thumbs and comments given with the keyboard alone are stored and shown.
 */
class SessionsBrowserIT extends BrowserSession {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] QUESTIONS = {"Where is order 1234?", "Can it come sooner? " + DemoWorkflows.XSS_PAYLOAD,
        "Thanks! And the invoice?"};
    private static final String[] ANSWERS = {"Order 1234 ships today.", "Express shipping is booked for tomorrow.",
        "The invoice is in your inbox."};

    @TempDir
    static Path tmp;
    static PackagedService service;
    static DemoWorkflows demo;
    static String[] turns = new String[3];
    static String otherSessionTurn;

    @BeforeAll
    static void startServiceAndSendAConversation() throws Exception {
        Browser.assumeInstalled();
        service = new PackagedService(tmp);
        demo = new DemoWorkflows(service.url("/v1/traces"));
        for (int i = 0; i < 3; i++) {
            turns[i] = demo.supportTurn("conv-42", "ann@example.com", QUESTIONS[i], ANSWERS[i]);
        }
        otherSessionTurn = demo.supportTurn("conv-7", "bob", "Is the shop open on Sunday?", "Yes, from 10 to 4.");
        assertThat(demo.flush()).as("tta-obs acknowledged every span").isTrue();
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
    void theSessionsView_listsConversations_andShowsOneTurnByTurn_eachOpeningItsTrace() {
        driver.get(service.url("/"));
        await.until(d -> d.findElement(By.cssSelector("nav a[data-nav='sessions']"))).click();
        WebElement row = await.until(d -> d.findElement(By.cssSelector("tr[data-session-id='conv-42']")));
        assertThat(driver.findElements(By.cssSelector("tr[data-session-id]"))).hasSize(2);
        assertThat(row.getText()).contains("ann@example.com").contains("3");
        Browser.screenshot(driver, "sessions-01-list");

        // a filter by user leaves the other conversation out
        driver.findElement(By.cssSelector("input[aria-label='Filter by user']")).sendKeys("bob");
        await.until(d -> d.findElements(By.cssSelector("tr[data-session-id]")).size() == 1
                && !d.findElements(By.cssSelector("tr[data-session-id='conv-7']")).isEmpty());
        driver.findElement(By.cssSelector("input[aria-label='Filter by user']"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        await.until(d -> d.findElements(By.cssSelector("tr[data-session-id]")).size() == 2);

        driver.findElement(By.cssSelector("tr[data-session-id='conv-42'] a")).click();
        await.until(d -> d.findElements(By.cssSelector("#conversation li.turn")).size() == 3);
        List<WebElement> cards = driver.findElements(By.cssSelector("#conversation li.turn"));
        for (int i = 0; i < 3; i++) {
            assertThat(cards.get(i).getAttribute("data-trace-id")).isEqualTo(turns[i]);
            assertThat(cards.get(i).findElement(By.cssSelector(".role-user .text")).getText()).isEqualTo(QUESTIONS[i]);
            assertThat(cards.get(i).findElement(By.cssSelector(".role-assistant .text")).getText()).isEqualTo(ANSWERS[i]);
            assertThat(cards.get(i).getText()).contains("lookup_order").contains("latency").contains("tokens").contains("$");
        }
        assertThat(driver.findElement(By.id("session-totals")).getText()).contains("3 turns").contains("ann@example.com");
        // the question with markup is text, not markup: no image element was made and no alert ran
        assertThat(driver.findElements(By.cssSelector("#conversation img"))).isEmpty();
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        Browser.screenshot(driver, "sessions-02-conversation");

        cards.get(1).findElement(By.cssSelector("a.turn-link")).click();
        await.until(d -> d.getCurrentUrl().contains("#/trace/" + turns[1]));
        await.until(d -> !d.findElements(By.cssSelector("#waterfall .wf-row")).isEmpty());
    }

    @Test
    void thumbsAndAComment_givenWithTheKeyboard_areStored_shownAsBadges_andRemovable() throws Exception {
        driver.get(service.url("/#/trace/" + turns[2]));
        WebElement box = await.until(d -> d.findElement(By.cssSelector("#trace-feedback .feedback-box")));
        WebElement comment = box.findElement(By.cssSelector("textarea"));
        comment.click();
        comment.sendKeys("The invoice was not sent <b>at all</b>");
        // keyboard only: Shift+Tab from the comment reaches "bad", Enter presses it
        comment.sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        await.until(d -> "true".equals(box.findElement(By.cssSelector("button[aria-label^='Bad']")).getAttribute("aria-pressed")));
        assertThat(driver.findElement(By.id("trace-feedback-badges")).getText()).contains("▼");
        assertThat(driver.findElements(By.cssSelector("#waterfall .wf-row")))
                .as("Enter on the button pressed it and folded nothing").hasSize(3);
        assertThat(box.findElement(By.cssSelector(".feedback-list")).getText()).contains("The invoice was not sent <b>at all</b>");

        JsonNode stored = feedbackOf(turns[2]);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).get("name").asText()).isEqualTo("thumbs");
        assertThat(stored.get(0).get("label").asText()).isEqualTo("down");
        assertThat(stored.get(0).get("source").asText()).isEqualTo("dashboard");
        assertThat(stored.get(0).get("comment").asText()).isEqualTo("The invoice was not sent <b>at all</b>");
        Browser.screenshot(driver, "feedback-01-thumbs-down");

        // on a span: the LLM call gets a thumbs up, reached by Tab and pressed with Space
        await.until(d -> d.findElements(By.cssSelector("#waterfall .wf-row")).stream()
                .filter(r -> r.getText().contains("chat gpt-4o-mini")).findFirst().orElse(null)).click();
        WebElement spanBox = await.until(d -> d.findElement(By.cssSelector("#span-feedback .feedback-box")));
        WebElement up = spanBox.findElement(By.cssSelector("button[aria-label^='Good']"));
        driver.executeScript("arguments[0].focus()", spanBox.findElement(By.cssSelector("button[aria-label^='Bad']")));
        driver.switchTo().activeElement().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertThat(driver.switchTo().activeElement()).isEqualTo(up);
        up.sendKeys(Keys.SPACE);
        await.until(d -> "true".equals(up.getAttribute("aria-pressed")));
        JsonNode both = feedbackOf(turns[2]);
        assertThat(both).hasSize(2);
        assertThat(both.get(1).get("spanId").asText()).isNotEmpty();
        assertThat(both.get(1).get("label").asText()).isEqualTo("up");

        // the list row shows the badges, and the negative filter finds the run
        driver.get(service.url("/#/traces?feedback=negative"));
        WebElement listed = await.until(d -> d.findElement(By.cssSelector("tr[data-trace-id='" + turns[2] + "']")));
        assertThat(listed.getText()).contains("▼").contains("▲");
        // (the compare test may have scored turn 2 low; turn 1 has no or only positive feedback)
        assertThat(driver.findElements(By.cssSelector("tr[data-trace-id]"))).extracting(r -> r.getAttribute("data-trace-id"))
                .contains(turns[2]).doesNotContain(turns[0], otherSessionTurn);

        // the session view carries it too
        driver.get(service.url("/#/session/conv-42"));
        WebElement card = await.until(d -> d.findElement(By.cssSelector("li.turn[data-trace-id='" + turns[2] + "']")));
        await.until(d -> card.getText().contains("▼"));

        // removed again from the trace page
        driver.get(service.url("/#/trace/" + turns[2]));
        WebElement again = await.until(d -> d.findElement(By.cssSelector("#trace-feedback .feedback-box")));
        await.until(d -> !again.findElements(By.cssSelector(".feedback-list li button")).isEmpty());
        again.findElement(By.cssSelector(".feedback-list li button")).click();
        await.until(d -> again.findElements(By.cssSelector(".feedback-list li")).isEmpty());
        assertThat(feedbackOf(turns[2])).hasSize(1);
    }

    @Test
    void compare_showsEachRunsFeedbackAndScores() throws Exception {
        for (String[] f : new String[][] {{turns[0], "0.9"}, {turns[1], "0.4"}}) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            service.url("/api/traces/" + f[0] + "/feedback")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"helpfulness\",\"score\":" + f[1] + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
        }
        driver.get(service.url("/#/compare?a=" + turns[0] + "&b=" + turns[1]));
        // header cells are upper-cased by the style sheet: compare in lower case
        WebElement score = await.until(d -> d.findElements(By.cssSelector("tr.compare-score")).stream()
                .filter(r -> r.getText().toLowerCase(java.util.Locale.ROOT).contains("helpfulness")).findFirst().orElse(null));
        assertThat(score.getText()).contains("0.90").contains("0.40").contains("−0.50");
        assertThat(driver.findElement(By.id("compare-feedback")).getText()).contains("helpfulness 0.90").contains("helpfulness 0.40");
    }

    private static JsonNode feedbackOf(String traceId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                service.url("/api/traces/" + traceId + "/feedback"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get("feedback");
    }
}
