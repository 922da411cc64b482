package dev.tta.obs.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tta-obs} command line. */
@Command(name = "tta-obs",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Local-first observability for LLM and agent workflows.",
        subcommands = {StartCommand.class, ExportCommand.class, ImportCommand.class, DemoCommand.class,
                McpCommand.class, QueryCommands.Traces.class, QueryCommands.TraceOutline.class,
                QueryCommands.Errors.class, QueryCommands.LlmCalls.class, QueryCommands.Stats.class,
                CommandLine.HelpCommand.class})
public final class TtaObs implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // `start` leaves the server running on non-daemon threads; everything else ends here
        if (code != 0 || !StartCommand.serving()) {
            System.exit(code);
        }
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TtaObs());
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        cli.setExecutionExceptionHandler(new CliErrors());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
