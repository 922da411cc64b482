package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `tta-obs sessions | session | feedback`, run as the real tta-obs jar in its own process, against a
 * service (with an admin and a viewer key) that the OpenTelemetry Java SDK filled with two
 * conversations, and against its data directory: the tables, the JSON compared with the REST API's
 * answer field by field, and one line with an exit code for each mistake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionFeedbackCommandsIT {
    private static final Path JAR = Path.of("target", "tta-obs-all.jar").toAbsolutePath();
    private static final String ADMIN = "admin-key";
    private static final String VIEWER = "viewer-key";
    private static final String[] QUESTIONS = SessionsAndFeedbackIT.QUESTIONS;
    private static final String[] ANSWERS = SessionsAndFeedbackIT.ANSWERS;

    @TempDir
    static Path dataDir;
    RunningService service;
    final List<String> turns = new ArrayList<>();
    String billing;

    private static SdkTracerProvider tracing(RunningService service, String serviceName) {
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(service.url("/v1/traces")).addHeader("Authorization", "Bearer " + ADMIN).build())
                        .build())
                .build();
    }

    @BeforeAll
    void sendTwoConversations() throws Exception {
        service = new RunningService(dataDir, "--auth-token=" + ADMIN, "--viewer-token=" + VIEWER);
        SdkTracerProvider support = tracing(service, "support-bot");
        SdkTracerProvider other = tracing(service, "billing-bot");
        billing = SessionsAndFeedbackIT.turn(other.get("billing"), "conv-billing", 0, false, false);
        Thread.sleep(5);
        for (int i = 0; i < 3; i++) {
            turns.add(SessionsAndFeedbackIT.turn(support.get("support"), "conv-support", i, i == 1, i == 2));
            Thread.sleep(5);
        }
        for (SdkTracerProvider p : List.of(support, other)) {
            assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            p.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    record Run(int exitCode, String out, String err) {
        /** A failure as the brief wants it: one line on stderr, nothing on stdout, no stack trace. */
        void isOneLineError(int code, String says) {
            assertThat(exitCode).as(err).isEqualTo(code);
            assertThat(out).isEmpty();
            assertThat(err.lines().toList()).hasSize(1).first().asString().startsWith("tta-obs: ").contains(says);
        }
    }

    /** The tta-obs jar as a user runs it, with no TTA_OBS_* variable of this machine's leaking in. */
    private static Run tta(String... args) throws Exception {
        assertThat(JAR).as("built by the package phase").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("TTA_OBS_"));
        Path err = Files.createTempFile("tta-obs-cli", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.delete(err);
        }
    }

    private Run remote(String key, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + service.url(""));
        if (key != null) {
            all.add("--auth-token=" + key);
        }
        return tta(all.toArray(String[]::new));
    }

    private JsonNode rest(String path) throws Exception {
        HttpResponse<String> r = service.send(service.request(path).header("Authorization", "Bearer " + ADMIN).GET());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return RunningService.JSON.readTree(r.body());
    }

    private static JsonNode json(Run r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return RunningService.JSON.readTree(r.out());
    }

    // the arrow of "600→60" is matched as any character: a terminal without UTF-8 prints it otherwise

    @Test
    void sessions_listsTheConversations_andItsJsonIsTheRestAnswers() throws Exception {
        Run table = remote(VIEWER, "sessions");
        assertThat(table.exitCode()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("2 sessions on this page, newest first");
        assertThat(lines.get(1)).startsWith("session_id").contains("user", "turns", "duration", "tokens", "cost", "errors");
        assertThat(lines.get(2)).matches("conv-support\\s+ann\\s+3\\s+.*600.60\\s+\\$\\S+\\s+1\\s+failed");
        assertThat(lines.get(3)).startsWith("conv-billing");

        JsonNode all = json(remote(VIEWER, "sessions", "--json"));
        assertThat(all.get("count").asInt()).isEqualTo(2);
        JsonNode api = rest("/api/sessions");
        assertThat(all.get("sessions")).isEqualTo(api.get("sessions"));
        assertThat(all.get("nextCursor")).isEqualTo(api.get("nextCursor"));

        // the REST list's filters, by their CLI names
        assertThat(json(remote(VIEWER, "sessions", "--json", "--service=billing-bot")).get("sessions"))
                .isEqualTo(rest("/api/sessions?service=billing-bot").get("sessions"))
                .extracting(s -> s.get("sessionId").asText()).containsExactly("conv-billing");
        assertThat(json(remote(VIEWER, "sessions", "--json", "--status=failed", "--user=ann", "--since=1h"))
                .get("sessions")).extracting(s -> s.get("sessionId").asText()).containsExactly("conv-support");
        assertThat(json(remote(VIEWER, "sessions", "--json", "--user=bob")).get("sessions")).isEmpty();

        Run first = remote(VIEWER, "sessions", "--limit=1", "--sort=oldest");
        assertThat(first.out()).contains("conv-billing").doesNotContain("conv-support")
                .containsPattern("more: call again with cursor \\S+");
        String cursor = first.out().substring(first.out().indexOf("cursor ") + 7).trim();
        Run next = remote(VIEWER, "sessions", "--limit=1", "--sort=oldest", "--cursor=" + cursor);
        assertThat(next.out()).contains("conv-support").endsWith("(end)\n");
    }

    @Test
    void session_showsTheTurnsInOrder_withTotals_andItsJsonIsTheRestAnswers() throws Exception {
        Run table = remote(VIEWER, "session", "conv-support");
        assertThat(table.exitCode()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("session conv-support  user ann  turns 3")
                .containsPattern("tokens 600.60 ").contains("errors 1", "status failed");
        assertThat(lines.get(1)).isEqualTo("turns 1-3 of 3:");
        // turn by turn, in the order they ran
        int[] at = new int[3];
        for (int i = 0; i < 3; i++) {
            at[i] = table.out().indexOf("#" + (i + 1) + " " + turns.get(i));
            assertThat(at[i]).isPositive();
            assertThat(table.out().indexOf("asked: " + QUESTIONS[i])).isGreaterThan(at[i]);
            assertThat(table.out().indexOf("answered: " + ANSWERS[i])).isGreaterThan(at[i]);
        }
        assertThat(at).isSorted();
        assertThat(table.out()).contains("tools: lookup_order", "feedback: - relevance score=0.2 label=irrelevant (otlp");

        JsonNode cli = json(remote(VIEWER, "session", "conv-support", "--json"));
        JsonNode api = rest("/api/sessions/conv-support");
        // the session's own fields (totals: tokens, cost, errors, duration) are the REST API's
        for (Iterator<String> names = api.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("traces")) {
                assertThat(cli.get(name)).as(name).isEqualTo(api.get(name));
            }
        }
        assertThat(cli.get("errorCount").asInt()).isEqualTo(1);
        assertThat(cli.get("inputTokens").asLong()).isEqualTo(600);
        JsonNode cliTurns = cli.get("traces");
        JsonNode apiTurns = api.get("traces");
        assertThat(cliTurns).extracting(t -> t.get("traceId").asText()).containsExactlyElementsOf(turns);
        long tokens = 0;
        for (int i = 0; i < 3; i++) {
            // a turn's row is get_session's compact row: each field it shares with the REST row is that row's value
            List<String> shared = new ArrayList<>();
            for (Iterator<String> names = cliTurns.get(i).fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (apiTurns.get(i).has(name)) {
                    assertThat(cliTurns.get(i).get(name)).as("turn %d %s", i + 1, name).isEqualTo(apiTurns.get(i).get(name));
                    shared.add(name);
                }
            }
            assertThat(shared).contains("traceId", "durationMs", "errorCount", "inputTokens", "outputTokens", "costUsd",
                    "outcome", "input", "output", "tools", "feedback");
            tokens += cliTurns.get(i).get("inputTokens").asLong();
        }
        assertThat(tokens).isEqualTo(cli.get("inputTokens").asLong());

        remote(VIEWER, "session", "conv-nobody").isOneLineError(QueryCommand.NOT_FOUND,
                "no stored trace has session id 'conv-nobody'");
        remote(VIEWER, "session", "conv-support", "--limit=0").isOneLineError(QueryCommand.BAD_ARGUMENT,
                "limit must be a whole number from 1 to 1000");
    }

    @Test
    void feedback_isListed_added_withTheAdminKey_andRefusedClearly() throws Exception {
        String judged = turns.get(1);
        Run listed = remote(VIEWER, "feedback", judged);
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).startsWith("1 feedback item on trace " + judged)
                .contains("- relevance score=0.2 label=irrelevant (otlp");

        String target = turns.get(0);
        JsonNode before = rest("/api/traces/" + target + "/feedback").get("feedback");
        Run added = remote(ADMIN, "feedback", target, "--name=correctness", "--score=0.9", "--label=pass",
                "--comment=right order, right date", "--json");
        JsonNode item = json(added);
        JsonNode after = rest("/api/traces/" + target + "/feedback").get("feedback");
        assertThat(after).hasSize(before.size() + 1);
        // the stored item as REST lists it, field by field
        assertThat(item).isEqualTo(after.get(after.size() - 1));
        assertThat(item.get("source").asText()).isEqualTo("cli");
        assertThat(item.get("polarity").asText()).isEqualTo("positive");
        assertThat(json(remote(VIEWER, "feedback", target, "--json")).get("feedback")).isEqualTo(after);

        // a span of the run, a negative score, and the table line a person reads
        String span = rest("/api/traces/" + target).get("spans").get(0).get("spanId").asText();
        Run onSpan = remote(ADMIN, "feedback", target, "--name", "thumbs", "--score", "-1", "--span", span,
                "--source", "reviewer");
        assertThat(onSpan.exitCode()).as(onSpan.err()).isZero();
        assertThat(onSpan.out()).startsWith("stored feedback ").contains("span " + span, "- thumbs score=-1 (reviewer");

        int stored = rest("/api/traces/" + target + "/feedback").get("feedback").size();
        remote(VIEWER, "feedback", target, "--name=thumbs", "--score=1").isOneLineError(QueryCommand.REFUSED,
                "a viewer key (--viewer-token) can only read; add_feedback changes data and needs the --auth-token");
        remote(null, "feedback", target, "--name=thumbs", "--score=1").isOneLineError(QueryCommand.REFUSED,
                "wants its --auth-token");
        remote(ADMIN, "feedback", target, "--name=thumbs", "--score=high").isOneLineError(QueryCommand.BAD_ARGUMENT,
                "score must be a finite number, got 'high'");
        remote(ADMIN, "feedback", target, "--score=1").isOneLineError(QueryCommand.BAD_ARGUMENT,
                "adding feedback needs --name");
        remote(ADMIN, "feedback", target, "--name=thumbs").isOneLineError(QueryCommand.BAD_ARGUMENT,
                "feedback needs a score or a label");
        remote(ADMIN, "feedback", target, "--name=thumbs", "--score=1", "--span=" + "f".repeat(16))
                .isOneLineError(QueryCommand.NOT_FOUND, "has no span ffffffffffffffff");
        remote(ADMIN, "feedback", "ab".repeat(16), "--name=thumbs", "--score=1")
                .isOneLineError(QueryCommand.NOT_FOUND, "no trace " + "ab".repeat(16) + " is stored");
        remote(VIEWER, "feedback", "not-a-trace").isOneLineError(QueryCommand.BAD_ARGUMENT,
                "trace_id must be 32 hex digits");
        assertThat(rest("/api/traces/" + target + "/feedback").get("feedback")).as("no mistake stored anything")
                .hasSize(stored);

        tta("feedback", target, "--url=http://127.0.0.1:" + RunningService.freePort(), "--name=x", "--score=1")
                .isOneLineError(QueryCommand.UNREACHABLE, "no tta-obs answers at http://127.0.0.1:");
        tta("sessions", "--url=localhost:8765").isOneLineError(QueryCommand.BAD_ARGUMENT,
                "--url must start with http:// or https://");
    }

    @Test
    void withDataDir_theCommandsReadTheStore_andFeedbackIsWrittenIntoIt(@TempDir Path empty) throws Exception {
        JsonNode local = json(tta("sessions", "--data-dir=" + dataDir, "--json"));
        assertThat(local.get("sessions")).isEqualTo(rest("/api/sessions").get("sessions"));
        Run session = tta("session", "conv-billing", "--data-dir=" + dataDir);
        assertThat(session.out()).as(session.err()).startsWith("session conv-billing  user ann  turns 1")
                .contains("#1 " + billing);

        // while the service runs on the same directory, as `tta-obs import` writes
        Run added = tta("feedback", billing, "--data-dir=" + dataDir, "--name=ci-eval", "--label=fail");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("- ci-eval label=fail (cli");
        assertThat(rest("/api/traces/" + billing + "/feedback").get("feedback"))
                .extracting(f -> f.get("name").asText()).containsExactly("ci-eval");

        tta("feedback", billing, "--data-dir=" + empty, "--name=ci-eval", "--label=fail")
                .isOneLineError(QueryCommand.BAD_ARGUMENT, "no traces at " + empty.toAbsolutePath());
        try (var files = Files.list(empty)) {
            assertThat(files).as("no database made for it").isEmpty();
        }
    }

    @Test
    void help_documentsTheExitCodes() throws Exception {
        for (String command : List.of("sessions", "session", "feedback")) {
            Run help = tta(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Exit codes:", "4   no tta-obs answers at --url", "--json", "--data-dir");
        }
        assertThat(tta("--help").out()).contains("sessions", "session", "feedback");
    }
}
