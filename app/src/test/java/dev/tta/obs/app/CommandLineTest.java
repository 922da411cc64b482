package dev.tta.obs.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // as main builds it: only the subcommand named first, or all of them
        CommandLine cli = TtaObs.commandLine(args.length > 0 ? args[0] : null);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void startHelp_listsEveryPublicFlag() {
        Run r = run("start", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--port", "--host", "--otlp-http-port", "--data-dir", "--storage",
                "--budget-daily-usd", "--budget-run-usd", "TTA_OBS_PORT");
    }

    @Test
    void help_listsEveryCommand() {
        Run r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("start", "export", "import", "demo", "train", "help");
    }

    @Test
    void helpForOneCommand_findsIt() {
        Run r = run("help", "train");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("start-up cache");
    }

    @Test
    void version_printsTheVersion() {
        Run r = run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("tta-obs ");
    }

    @Test
    void unknownFlag_isNamedAndExitsNonZero() {
        Run r = run("start", "--prot=1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--prot=1'");
    }

    @Test
    void aValueOfTheWrongType_isNamedInOneLine_withAPointerToHelp_notTheWholeUsage() {
        Run r = run("traces", "--limit=many");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).containsExactly(
                "tta-obs traces: Invalid value for option '--limit': 'many' is not an int",
                "(run 'tta-obs traces --help' for its options)");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMistypedFlag_getsPicocliSuggestion_notTheWholeUsage() {
        Run r = run("traces", "--limt=3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).containsExactly("tta-obs traces: Unknown option: '--limt=3'",
                "Possible solutions: --limit", "(run 'tta-obs traces --help' for its options)");
    }

    @Test
    void invalidPort_isOneReadableLineWithoutAStackTrace() {
        Run r = run("start", "--port=70000", "--data-dir=" + Path.of("target", "never-created"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("tta-obs: --port must be a port between 1 and 65535, got 70000");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void unknownStorage_isRefusedClearly() {
        Run r = run("start", "--storage=mongo", "--data-dir=" + Path.of("target", "never-created"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--storage must be 'sqlite'").contains("'mongo'");
    }

    @Test
    void postgresWithoutADatabaseUrl_isRefusedClearly() {
        Run r = run("start", "--storage=postgres", "--data-dir=" + Path.of("target", "never-created"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--storage=postgres needs --db-url (or TTA_OBS_DB_URL)");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void databaseFlags_comeFromTheEnvironmentToo() {
        CommandLine cli = new CommandLine(new StartCommand());
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("TTA_OBS_STORAGE", "postgres",
                "TTA_OBS_DB_URL", "jdbc:postgresql://db/tta", "TTA_OBS_DB_USER", "tta", "TTA_OBS_DB_PASSWORD", "pw")));
        cli.parseArgs();
        StartCommand start = cli.getCommand();
        assertThat(List.of(start.storage.storage, start.storage.dbUrl, start.storage.dbUser, start.storage.dbPassword))
                .containsExactly("postgres", "jdbc:postgresql://db/tta", "tta", "pw");
    }

    @Test
    void authToken_comesFromTheEnvironment_soItStaysOutOfPs() {
        CommandLine cli = new CommandLine(new StartCommand());
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("TTA_OBS_AUTH_TOKEN", "from-env")));
        cli.parseArgs();
        assertThat(((StartCommand) cli.getCommand()).authToken).isEqualTo("from-env");
    }

    @Test
    void environmentVariables_nameEveryOption() {
        assertThat(EnvironmentDefaults.variableFor("--otlp-grpc-port")).isEqualTo("TTA_OBS_OTLP_GRPC_PORT");
        CommandLine cli = new CommandLine(new StartCommand());
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("TTA_OBS_PORT", "9999")));
        cli.parseArgs();
        assertThat(((StartCommand) cli.getCommand()).port).isEqualTo(9999);
        cli.parseArgs("--port=1234");
        assertThat(((StartCommand) cli.getCommand()).port).isEqualTo(1234);
    }

    @Test
    void dataDirectory_followsEachPlatformsConvention() {
        assertThat(DataDirectory.defaultFor("Linux", Map.of(), "/home/ada"))
                .isEqualTo(Path.of("/home/ada/.local/share/tta-obs"));
        assertThat(DataDirectory.defaultFor("Linux", Map.of("XDG_DATA_HOME", "/xdg"), "/home/ada"))
                .isEqualTo(Path.of("/xdg/tta-obs"));
        assertThat(DataDirectory.defaultFor("Mac OS X", Map.of(), "/Users/ada"))
                .isEqualTo(Path.of("/Users/ada/Library/Application Support/tta-obs"));
        assertThat(DataDirectory.defaultFor("Windows 11", Map.of("LOCALAPPDATA", "C:\\Users\\ada\\AppData\\Local"),
                "C:\\Users\\ada").toString()).endsWith("tta-obs");
    }
}
