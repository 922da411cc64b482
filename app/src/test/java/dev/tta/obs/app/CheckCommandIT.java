package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `tta-obs check` on runs stored through the real OTLP path: two workflows with an hour of
 * earlier runs, then ten recent runs each, one of them 30% slower and costlier. The gate fails on
 * that one (exit 1, named in the table and the JUnit file) and passes the other (exit 0), both
 * against the running server (--url) and on its data directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckCommandIT {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path work;
    RunningService service;

    @BeforeAll
    void storeRuns() {
        service = new RunningService(dataDir);
        try (LlmRuns runs = new LlmRuns(service.url("/v1/traces"))) {
            Instant now = Instant.now();
            for (int i = 0; i < 20; i++) {
                // earlier runs, 2h to 1h ago, with a little spread as real runs have
                Instant at = now.minusSeconds(7200 - i * 180L);
                runs.run("support-agent", at, 1000 + (i % 5) * 10, 1000 + (i % 5) * 10, 200, false);
                runs.run("ticket-triage", at.plusSeconds(1), 800 + (i % 5) * 10, 2000 + (i % 5) * 20, 400, false);
            }
            for (int i = 0; i < 10; i++) {
                Instant at = now.minusSeconds(300 - i * 20L);
                runs.run("support-agent", at, 1000 + (i % 5) * 10, 1000 + (i % 5) * 10, 200, false);
                // the change under test: 30% slower, 30% more tokens and so 30% costlier
                runs.run("ticket-triage", at.plusSeconds(1), 1040 + (i % 5) * 13, 2600 + (i % 5) * 26, 520, false);
            }
            assertThat(runs.flush()).isTrue();
        }
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private CommandLineTest.Run check(String... args) {
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        return CommandLineTest.run(all.toArray(String[]::new));
    }

    @Test
    void aThirtyPercentRegression_failsTheGate_andTheJunitFileNamesIt() throws Exception {
        Path junit = work.resolve("reports/tta-obs-check.xml");
        CommandLineTest.Run r = check("--url=" + service.url(""), "--since=15m", "--max-latency-increase=20",
                "--max-cost-increase=20%", "--max-token-increase=20", "--max-error-rate=5", "--junit=" + junit);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("tta-obs check: 20 runs of 2 workflows since "
                + lines.get(0).substring(lines.get(0).indexOf("since ") + 6, lines.get(0).indexOf(", against"))
                + ", against the runs before them");
        assertThat(lines.get(1)).startsWith("WORKFLOW").contains("BASELINE", "CURRENT", "CHANGE", "LIMIT", "RESULT", "WHY");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ticket-triage").contains("latency p95", "FAIL",
                "+30%", "latency p95 rose 30%", "more than the 20% allowed"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ticket-triage").contains("cost p50", "FAIL"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ticket-triage").contains("error rate", "PASS",
                "0 of 10 runs failed"));
        assertThat(lines).filteredOn(l -> l.startsWith("support-agent")).hasSize(7)
                .allSatisfy(l -> assertThat(l).contains("PASS"));
        assertThat(lines).last().isEqualTo("FAILED: 6 of 14 checks failed");

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element suites = xml.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        assertThat(suites.getAttribute("tests")).isEqualTo("14");
        assertThat(suites.getAttribute("failures")).isEqualTo("6");
        NodeList cases = xml.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(14);
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            NodeList failure = c.getElementsByTagName("failure");
            if (failure.getLength() > 0) {
                failed.add(c.getAttribute("name") + " | " + ((Element) failure.item(0)).getAttribute("message"));
            }
        }
        // what JUnit readers require: counts on each suite that match its cases, a name and class on
        // each case, a message and type on each failure
        NodeList suiteList = xml.getElementsByTagName("testsuite");
        assertThat(suiteList.getLength()).isEqualTo(2);
        for (int i = 0; i < suiteList.getLength(); i++) {
            Element suite = (Element) suiteList.item(i);
            assertThat(suite.getAttribute("name")).startsWith("tta-obs check: ");
            assertThat(Integer.parseInt(suite.getAttribute("tests"))).isEqualTo(suite.getElementsByTagName("testcase").getLength());
            assertThat(Integer.parseInt(suite.getAttribute("failures"))).isEqualTo(suite.getElementsByTagName("failure").getLength());
            assertThat(suite.getAttribute("errors")).isEqualTo("0");
        }
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            assertThat(c.getAttribute("classname")).startsWith("tta-obs.check.");
            assertThat(c.getAttribute("name")).isNotBlank();
        }
        NodeList failures = xml.getElementsByTagName("failure");
        for (int i = 0; i < failures.getLength(); i++) {
            assertThat(((Element) failures.item(i)).getAttribute("type")).isEqualTo("threshold");
            assertThat(failures.item(i).getTextContent()).contains("baseline:", "current:", "limit:");
        }
        assertThat(failed).hasSize(6).allSatisfy(f -> assertThat(f).startsWith("ticket-triage: "))
                .anySatisfy(f -> assertThat(f).startsWith("ticket-triage: latency p95 | latency p95 rose 30%"))
                .anySatisfy(f -> assertThat(f).startsWith("ticket-triage: cost p95 | cost p95 rose 30%"));
    }

    @Test
    void withoutTheRegression_theGatePasses_onTheDataDirectoryToo() throws Exception {
        Path junit = work.resolve("pass.xml");
        CommandLineTest.Run r = check("--data-dir=" + dataDir, "--since=15m", "--workflow=support-agent",
                "--max-latency-increase=20", "--max-cost-increase=20", "--max-error-rate=5", "--max-cost-usd=0.01",
                "--junit=" + junit);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("tta-obs check: 10 runs of 1 workflow since ")
                .contains("cost per run").endsWith("PASSED: 6 of 6 checks passed\n");
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(6);

        CommandLineTest.Run json = check("--url=" + service.url(""), "--last=10", "--workflow=ticket-triage",
                "--max-latency-increase=20", "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode body = RunningService.JSON.readTree(json.out());
        assertThat(body.get("passed").asBoolean()).isFalse();
        JsonNode w = body.get("workflows").get(0);
        assertThat(w.get("workflow").asText()).isEqualTo("ticket-triage");
        assertThat(w.get("runs").asInt()).isEqualTo(10);
        assertThat(w.get("baselineRuns").asInt()).isEqualTo(20);
        assertThat(w.get("checks").get(1).get("check").asText()).isEqualTo("latency p95");
        assertThat(w.get("checks").get(1).get("changePercent").asDouble()).isBetween(29.0, 31.0);
    }

    @Test
    void aSavedBaseline_isComparedWith_insteadOfTheEarlierRuns() throws Exception {
        Path baseline = work.resolve("baseline.json");
        // the window is the earlier hour here: save it as main's numbers
        CommandLineTest.Run save = check("--data-dir=" + dataDir, "--last=30", "--save-baseline=" + baseline);
        assertThat(save.exitCode()).as(save.err()).isZero();
        assertThat(save.err()).contains("saved the numbers of 2 workflows to " + baseline);
        JsonNode file = RunningService.JSON.readTree(baseline.toFile());
        assertThat(file.get("workflows").get("ticket-triage").get("runs").asInt()).isEqualTo(30);

        CommandLineTest.Run r = check("--url=" + service.url(""), "--since=15m", "--baseline=" + baseline,
                "--max-latency-increase=10", "--workflow=ticket-triage");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("against the baseline " + baseline, "latency p50", "FAIL");
    }

    @Test
    void minScore_averagesTheFeedbackOnTheWindowsRuns_throughTheServerAndOnItsDataDirectory() throws Exception {
        // a person marks three of the recent ticket-triage runs: 0.9, 0.6 and 0.3, so 0.6 on average
        JsonNode recent = service.getJson("/api/traces?root=ticket-triage.run&limit=3&sort=newest").get("traces");
        assertThat(recent).hasSize(3);
        double[] given = {0.9, 0.6, 0.3};
        for (int i = 0; i < 3; i++) {
            var created = service.send(service.request("/api/traces/" + recent.get(i).get("traceId").asText() + "/feedback")
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"helpfulness\",\"score\":" + given[i] + "}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
        for (String source : List.of("--url=" + service.url(""), "--data-dir=" + dataDir)) {
            CommandLineTest.Run low = check(source, "--since=15m", "--workflow=ticket-triage",
                    "--min-score", "helpfulness=0.8");
            assertThat(low.exitCode()).as(source + "\n" + low.out() + low.err()).isEqualTo(1);
            assertThat(low.out()).contains("score helpfulness", "FAIL", "average helpfulness 0.600 is below the 0.800 required");
            CommandLineTest.Run enough = check(source, "--since=15m", "--workflow=ticket-triage",
                    "--min-score", "helpfulness=0.5");
            assertThat(enough.exitCode()).as(source + "\n" + enough.out() + enough.err()).isEqualTo(0);
            assertThat(enough.out()).contains("average helpfulness 0.600 meets the 0.500 required");
        }
    }

    @Test
    void minScore_withoutScores_failsNamingTheScore() {
        CommandLineTest.Run r = check("--data-dir=" + dataDir, "--since=15m", "--workflow=support-agent",
                "--min-score", "helpfulness=0.8");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("score helpfulness", "FAIL", "no scores named helpfulness");
    }

    @Test
    void aWorkflowWithoutRunsInTheWindow_fails() {
        CommandLineTest.Run r = check("--data-dir=" + dataDir, "--since=1m", "--workflow=support-agent",
                "--max-latency-increase=20");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("no runs of support-agent since");
    }

    @Test
    void badArguments_andNoServer_exitTwo_withOneLine() throws Exception {
        Path missingBaseline = work.resolve("missing.json");
        Path notJson = Files.writeString(work.resolve("bad.json"), "{ nope");
        String[][] cases = {
            {"--data-dir=" + dataDir, "--max-latency-increase=20"},
            {"--data-dir=" + dataDir, "--since=1h", "--last=5", "--max-latency-increase=20"},
            {"--data-dir=" + dataDir, "--since=1h"},
            {"--data-dir=" + dataDir, "--since=yesterday", "--max-latency-increase=20"},
            {"--data-dir=" + dataDir, "--since=1h", "--max-latency-increase=lots"},
            {"--data-dir=" + dataDir, "--since=1h", "--max-error-rate=150"},
            {"--data-dir=" + dataDir, "--since=1h", "--min-score=helpfulness"},
            {"--data-dir=" + dataDir, "--since=1h", "--max-cost-usd=-1"},
            {"--data-dir=" + dataDir, "--since=1h", "--max-latency-increase=20", "--baseline=" + missingBaseline},
            {"--data-dir=" + dataDir, "--since=1h", "--max-latency-increase=20", "--baseline=" + notJson},
            {"--data-dir=" + work.resolve("empty"), "--since=1h", "--max-latency-increase=20"},
            {"--url=http://127.0.0.1:" + RunningService.freePort(), "--since=1h", "--max-latency-increase=20"},
            {"--since=1h", "--max-latency-increase=20", "--bogus-flag"},
        };
        for (String[] args : cases) {
            CommandLineTest.Run r = check(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            if (!List.of(args).contains("--bogus-flag")) {
                assertThat(r.err().lines().toList()).as(String.join(" ", args)).hasSize(1)
                        .allSatisfy(l -> assertThat(l).startsWith("tta-obs: "));
                assertThat(r.out()).isEmpty();
            }
        }
        assertThat(check("--url=http://127.0.0.1:" + RunningService.freePort(), "--since=1h",
                "--max-latency-increase=20").err()).contains("cannot reach tta-obs at http://127.0.0.1:");
        assertThat(check("--data-dir=" + dataDir, "--since=1h", "--max-error-rate=150").err())
                .contains("--max-error-rate is a percentage, 0 to 100, got 150");
        assertThat(Files.exists(missingBaseline)).isFalse();
    }

    @Test
    void withAToken_theServiceIsAskedWithIt(@TempDir Path otherDir, @TempDir Path tokenDir) throws Exception {
        Path tokenFile = Files.writeString(tokenDir.resolve("token"), "s3cret\n");
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (RunningService guarded = new RunningService(otherDir, "--auth-token=s3cret")) {
            CommandLineTest.Run refused = check("--url=" + guarded.url(""), "--since=1h", "--max-latency-increase=20");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).startsWith("tta-obs: ").contains("401");
            CommandLineTest.Run ok = check("--url=" + guarded.url(""), "--auth-token-file=" + tokenFile, "--since=1h",
                    "--max-latency-increase=20");
            // an empty store: nothing ran, which the gate reports as a failure, not a pass
            assertThat(ok.exitCode()).as(ok.err()).isEqualTo(1);
            assertThat(ok.out()).contains("no runs of any workflow since");
        }
    }
}
