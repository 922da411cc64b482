package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * --budget-run-usd and --budget-daily-usd on a real service fed by the OTel Java SDK: /api/stats
 * says where spending stands, and each crossing reaches a live-feed client as a "budget" message.
 */
class BudgetIT {
    @TempDir
    Path dataDir;

    // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens
    private static final double CHEAP = 1000 * 0.15e-6 + 200 * 0.60e-6;      // $0.00027
    private static final double COSTLY = 3000 * 0.15e-6 + 200 * 0.60e-6;     // $0.00057

    @Test
    void crossingTheRunBudget_thenTheDailyOne_showsInStats_andArrivesLive() throws Exception {
        try (RunningService service = new RunningService(dataDir, "--budget-daily-usd=0.002", "--budget-run-usd=0.0005");
             LlmRuns runs = new LlmRuns(service.url("/v1/traces"))) {
            LiveFeedClient live = new LiveFeedClient(service);
            try {
                JsonNode before = service.getJson("/api/stats").get("budget");
                assertThat(before.get("dailyUsd").asDouble()).isEqualTo(0.002);
                assertThat(before.get("runUsd").asDouble()).isEqualTo(0.0005);
                assertThat(before.get("spentTodayUsd").asDouble()).isZero();
                assertThat(before.get("exceeded").asBoolean()).isFalse();

                Instant now = Instant.now();
                runs.run("support", now.minusSeconds(30), 100, 1000, 200, false);
                runs.run("support", now.minusSeconds(20), 100, 1000, 200, false);
                assertThat(runs.flush()).isTrue();
                JsonNode within = service.getJson("/api/stats").get("budget");
                assertThat(within.get("spentTodayUsd").asDouble()).isCloseTo(2 * CHEAP, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(within.get("exceeded").asBoolean()).isFalse();
                assertThat(within.get("costliestRun").isNull()).isTrue();

                String costly = runs.run("support", now.minusSeconds(10), 100, 3000, 200, false);
                assertThat(runs.flush()).isTrue();
                JsonNode overRun = service.getJson("/api/stats").get("budget");
                assertThat(overRun.get("runsOverBudget").asInt()).isEqualTo(1);
                assertThat(overRun.get("exceeded").asBoolean()).isTrue();
                assertThat(overRun.get("dailyExceeded").asBoolean()).isFalse();
                assertThat(overRun.get("costliestRun").get("traceId").asText()).isEqualTo(costly);
                assertThat(overRun.get("costliestRun").get("costUsd").asDouble())
                        .isCloseTo(COSTLY, org.assertj.core.data.Offset.offset(1e-9));
                JsonNode firstEvent = live.next("budget", 5000);
                assertThat(firstEvent).as("a budget message after the costly run").isNotNull();
                assertThat(firstEvent.get("budget").get("runsOverBudget").asInt()).isEqualTo(1);
                assertThat(firstEvent.get("budget").get("dailyExceeded").asBoolean()).isFalse();

                // 2 × 0.00027 + 0.00057 = 0.00111 so far; five more cheap runs take the day past $0.002
                for (int i = 0; i < 5; i++) {
                    runs.run("support", now.minusSeconds(9 - i), 100, 1000, 200, false);
                }
                assertThat(runs.flush()).isTrue();
                JsonNode overDay = service.getJson("/api/stats").get("budget");
                assertThat(overDay.get("dailyExceeded").asBoolean()).isTrue();
                assertThat(overDay.get("spentTodayUsd").asDouble())
                        .isCloseTo(7 * CHEAP + COSTLY, org.assertj.core.data.Offset.offset(1e-9));
                JsonNode secondEvent = live.next("budget", 5000);
                assertThat(secondEvent).as("a budget message when the day crossed").isNotNull();
                assertThat(secondEvent.get("budget").get("dailyExceeded").asBoolean()).isTrue();
                assertThat(secondEvent.get("budget").get("exceeded").asBoolean()).isTrue();
            } finally {
                live.close();
            }
            // a client that connects after the crossing is told at once
            try (LiveFeedClient late = new LiveFeedClient(service)) {
                JsonNode told = late.next("budget", 3000);
                assertThat(told).isNotNull();
                assertThat(told.get("budget").get("dailyExceeded").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void withoutABudget_statsSayNone() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            assertThat(service.getJson("/api/stats").get("budget").isNull()).isTrue();
        }
    }

    @Test
    void aBudgetOfZeroOrLess_isRefusedAtStart() {
        CommandLineTest.Run r = CommandLineTest.run("start", "--data-dir=" + dataDir, "--port=" + RunningService.freePort(),
                "--budget-run-usd=0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--budget-run-usd must be an amount in US dollars above 0, got 0.0");
    }
}
