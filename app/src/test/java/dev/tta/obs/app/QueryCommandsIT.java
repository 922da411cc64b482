package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `tta-obs traces | trace | errors | llm-calls | stats` against a real tta-obs holding the demo
 * workflows: the table a person reads, the JSON a script parses, and the exit codes it tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCommandsIT {
    @TempDir
    static Path dataDir;
    RunningService service;
    String research;
    String failing;

    @BeforeAll
    void storeDemoWorkflows() throws Exception {
        service = new RunningService(dataDir);
        try (DemoWorkflows demo = new DemoWorkflows(service.url("/v1/traces"))) {
            research = demo.researchRun("How do TTA.dev primitives compose?", false);
            demo.fallbackRun();
            failing = demo.failingToolRun();
            assertThat(demo.flush()).isTrue();
        }
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private CommandLineTest.Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + service.url(""));
        return CommandLineTest.run(all.toArray(String[]::new));
    }

    @Test
    void traces_printsATable_andJsonForScripts() throws Exception {
        CommandLineTest.Run table = run("traces");
        assertThat(table.exitCode()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("3 traces on this page (3 stored), newest first");
        assertThat(lines.get(1)).startsWith("trace_id").contains("workflow", "duration", "cost");
        assertThat(lines.get(2)).startsWith(failing).contains("ticket-triage");
        assertThat(lines).last().isEqualTo("(end)");

        CommandLineTest.Run json = run("traces", "--json", "--errors");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode body = RunningService.JSON.readTree(json.out());
        assertThat(body.get("count").asInt()).isEqualTo(2);
        assertThat(body.get("traces").get(0).get("traceId").asText()).isEqualTo(failing);

        CommandLineTest.Run paged = run("traces", "--limit=1");
        assertThat(paged.out()).containsPattern("more: call again with cursor (\\S+)");
        String cursor = paged.out().substring(paged.out().indexOf("cursor ") + 7).trim();
        CommandLineTest.Run next = run("traces", "--limit=1", "--cursor=" + cursor);
        assertThat(next.exitCode()).isZero();
        assertThat(next.out().lines().skip(2).findFirst().orElseThrow()).contains("summarise");
    }

    @Test
    void trace_printsTheOutline_andOneSpanInFull() throws Exception {
        CommandLineTest.Run outline = run("trace", research);
        assertThat(outline.exitCode()).as(outline.err()).isZero();
        assertThat(outline.out()).contains("trace " + research, "spans 1-4 of 4", "chat gpt-4o-mini 910ms");
        String llmSpan = outline.out().lines().filter(l -> l.contains("chat gpt-4o-mini 910ms")).findFirst().orElseThrow();
        String spanId = llmSpan.substring(llmSpan.lastIndexOf('#') + 1);

        CommandLineTest.Run span = run("trace", research, "--span", spanId);
        assertThat(span.exitCode()).as(span.err()).isZero();
        assertThat(span.out()).contains("gen_ai.usage.output_tokens = 164", "[assistant] TTA.dev primitives compose");

        CommandLineTest.Run json = run("trace", research, "--json");
        JsonNode body = RunningService.JSON.readTree(json.out());
        assertThat(body.get("spanCount").asInt()).isEqualTo(4);
        assertThat(body.get("summary").get("costUsd").asDouble()).isEqualTo(0.000221);
    }

    @Test
    void errors_llmCalls_andStats_printTheirTables() throws Exception {
        CommandLineTest.Run errors = run("errors");
        assertThat(errors.exitCode()).as(errors.err()).isZero();
        assertThat(errors.out()).startsWith("7 failing spans in 2 failing traces, 5 kinds\n")
                .contains("tool.lookup_customer: IllegalStateException: customer c-# not found");

        CommandLineTest.Run calls = run("llm-calls", "--limit=1");
        assertThat(calls.exitCode()).as(calls.err()).isZero();
        assertThat(calls.out()).startsWith("5 LLM calls in 3 traces").contains("top 1 by cost")
                .contains("anthropic/claude-3-5-haiku");
        JsonNode callsJson = RunningService.JSON.readTree(run("llm-calls", "--json", "--sort=tokens").out());
        assertThat(callsJson.get("top").get(0).get("inputTokens").asLong()).isEqualTo(1430);

        CommandLineTest.Run stats = run("stats");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        assertThat(stats.out()).startsWith("3 runs of 3 workflows (all stored)\n").contains("p95", "error_rate")
                .containsPattern("ticket-triage \\(research-agent\\)\\s+1\\s+\\S+\\s+\\S+\\s+100%");
        JsonNode statsJson = RunningService.JSON.readTree(run("stats", "--json").out());
        assertThat(statsJson.get("runs").asInt()).isEqualTo(3);
    }

    @Test
    void exitCodes_tellNotFound_badArgument_andUnreachable() {
        CommandLineTest.Run missing = run("trace", "00000000000000000000000000000bad");
        assertThat(missing.exitCode()).isEqualTo(QueryCommand.NOT_FOUND);
        assertThat(missing.err()).contains("no trace 00000000000000000000000000000bad is stored");
        assertThat(missing.out()).isEmpty();

        CommandLineTest.Run notHex = run("trace", "xyz");
        assertThat(notHex.exitCode()).isEqualTo(QueryCommand.BAD_ARGUMENT);
        assertThat(notHex.err()).contains("trace_id must be 32 hex digits");

        assertThat(run("traces", "--status=bogus").exitCode()).isEqualTo(QueryCommand.BAD_ARGUMENT);
        assertThat(run("traces", "--limit=0").err()).contains("limit must be a whole number from 1 to 200");
        assertThat(run("traces", "--since=yesterday").exitCode()).isEqualTo(QueryCommand.BAD_ARGUMENT);
        // picocli's own check of a flag's type: the same code
        assertThat(run("traces", "--limit=many").exitCode()).isEqualTo(QueryCommand.BAD_ARGUMENT);

        CommandLineTest.Run nobody = CommandLineTest.run("stats", "--url=http://127.0.0.1:" + RunningService.freePort());
        assertThat(nobody.exitCode()).isEqualTo(QueryCommand.UNREACHABLE);
        assertThat(nobody.err()).contains("no tta-obs answers at http://127.0.0.1:");
    }

    @Test
    void aServiceWithAToken_refusesWithoutIt_andAnswersWithIt(@TempDir Path otherDir) {
        try (RunningService guarded = new RunningService(otherDir, "--auth-token=s3cret")) {
            CommandLineTest.Run refused = CommandLineTest.run("traces", "--url=" + guarded.url(""));
            assertThat(refused.exitCode()).isEqualTo(QueryCommand.REFUSED);
            assertThat(refused.err()).contains("wants its --auth-token");
            CommandLineTest.Run wrong = CommandLineTest.run("traces", "--url=" + guarded.url(""), "--auth-token=nope");
            assertThat(wrong.exitCode()).isEqualTo(QueryCommand.REFUSED);
            CommandLineTest.Run ok = CommandLineTest.run("traces", "--url=" + guarded.url(""), "--auth-token=s3cret");
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            assertThat(ok.out()).startsWith("0 traces on this page (0 stored)");
        }
    }

    @Test
    void withDataDir_theStoredTracesAreReadWithoutTheService(@TempDir Path empty) throws Exception {
        CommandLineTest.Run local = CommandLineTest.run("traces", "--data-dir=" + dataDir, "--json");
        assertThat(local.exitCode()).as(local.err()).isZero();
        assertThat(RunningService.JSON.readTree(local.out()).get("count").asInt()).isEqualTo(3);
        CommandLineTest.Run outline = CommandLineTest.run("trace", research, "--data-dir=" + dataDir);
        assertThat(outline.out()).contains("trace " + research, "chat gpt-4o-mini 910ms");

        CommandLineTest.Run nothing = CommandLineTest.run("traces", "--data-dir=" + empty);
        assertThat(nothing.exitCode()).isEqualTo(QueryCommand.BAD_ARGUMENT);
        assertThat(nothing.err()).contains("no traces at " + empty.toAbsolutePath());
    }

    @Test
    void withDataDir_everyCommandLeavesTheDataDirectoryByteIdentical(@TempDir Path stopped) throws Exception {
        String run;
        try (RunningService other = new RunningService(stopped);
             DemoWorkflows demo = new DemoWorkflows(other.url("/v1/traces"))) {
            run = demo.researchRun("What does a read-only query change?", false);
            demo.failingToolRun();
            assertThat(demo.flush()).isTrue();
        }
        Map<String, String> before = hashes(stopped);
        assertThat(before).containsKeys("tta-obs.sqlite", "tta-obs-search.sqlite");

        queryEverything(stopped, run);
        assertThat(hashes(stopped)).isEqualTo(before);

        // read-only files are read as well (as root, as in CI, the mode stops no write: the hashes do the checking)
        try (Stream<Path> files = Files.walk(stopped)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
            }
        }
        queryEverything(stopped, run);
        assertThat(hashes(stopped)).isEqualTo(before);
    }

    private static void queryEverything(Path dir, String run) throws Exception {
        CommandLineTest.Run traces = CommandLineTest.run("traces", "--data-dir=" + dir, "--json");
        assertThat(traces.exitCode()).as(traces.err()).isZero();
        assertThat(RunningService.JSON.readTree(traces.out()).get("count").asInt()).isEqualTo(2);
        // a model filter goes through the search index
        CommandLineTest.Run byModel = CommandLineTest.run("traces", "--data-dir=" + dir, "--model=gpt-4o-mini", "--json");
        assertThat(byModel.exitCode()).as(byModel.err()).isZero();
        assertThat(RunningService.JSON.readTree(byModel.out()).get("traces").findValuesAsText("traceId"))
                .contains(run);
        CommandLineTest.Run outline = CommandLineTest.run("trace", run, "--data-dir=" + dir);
        assertThat(outline.out()).as(outline.err()).contains("trace " + run, "chat gpt-4o-mini 910ms");
        for (String command : List.of("errors", "llm-calls", "stats")) {
            CommandLineTest.Run r = CommandLineTest.run(command, "--data-dir=" + dir);
            assertThat(r.exitCode()).as(command + ": " + r.err()).isZero();
        }
        Path exported = Files.createTempFile("tta-obs-export", ".json");
        try {
            CommandLineTest.Run export = CommandLineTest.run("export", "--data-dir=" + dir, "-o", exported.toString());
            assertThat(export.exitCode()).as(export.err()).isZero();
            assertThat(export.err()).contains("exported 2 traces");
        } finally {
            Files.delete(exported);
        }
    }

    @Test
    void withDataDir_whileTheServiceWrites_seesWhatItCommitted(@TempDir Path live) throws Exception {
        try (RunningService other = new RunningService(live);
             DemoWorkflows demo = new DemoWorkflows(other.url("/v1/traces"))) {
            demo.researchRun("first", false);
            assertThat(demo.flush()).isTrue();
            CommandLineTest.Run one = CommandLineTest.run("traces", "--data-dir=" + live, "--json");
            assertThat(one.exitCode()).as(one.err()).isZero();
            assertThat(RunningService.JSON.readTree(one.out()).get("count").asInt()).isEqualTo(1);

            String second = demo.failingToolRun();
            assertThat(demo.flush()).isTrue();
            CommandLineTest.Run two = CommandLineTest.run("traces", "--data-dir=" + live, "--json");
            assertThat(RunningService.JSON.readTree(two.out()).get("count").asInt()).isEqualTo(2);
            assertThat(CommandLineTest.run("trace", second, "--data-dir=" + live).exitCode()).isZero();
            // and the service goes on storing
            demo.fallbackRun();
            assertThat(demo.flush()).isTrue();
            assertThat(other.getJson("/api/traces").get("traces")).hasSize(3);
        }
    }

    @Test
    void withDataDir_aSchemaFromAnotherVersion_isAOneLineError(@TempDir Path old) throws Exception {
        try (RunningService other = new RunningService(old);
             DemoWorkflows demo = new DemoWorkflows(other.url("/v1/traces"))) {
            demo.researchRun("old", false);
            assertThat(demo.flush()).isTrue();
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + old.resolve("tta-obs.sqlite"));
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE installed_rank ="
                    + " (SELECT max(installed_rank) FROM flyway_schema_history)");
        }
        Map<String, String> before = hashes(old);
        CommandLineTest.Run r = CommandLineTest.run("traces", "--data-dir=" + old);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().lines().findFirst().orElseThrow())
                .startsWith("tta-obs: the data in " + old.toAbsolutePath() + " is from another tta-obs version")
                .endsWith("run `tta-obs start` on it once to upgrade it");
        assertThat(r.out()).isEmpty();
        assertThat(hashes(old)).isEqualTo(before);
    }

    /** Every file under {@code dir} by relative path, with its SHA-256. */
    static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    @Test
    void help_documentsTheExitCodes() {
        for (String command : List.of("traces", "trace", "errors", "llm-calls", "stats")) {
            CommandLineTest.Run help = CommandLineTest.run(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Exit codes:", "3   not found", "4   no tta-obs answers at --url", "--json");
        }
    }
}
