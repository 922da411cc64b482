package dev.tta.obs.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code tta-obs} command line. */
@Command(name = "tta-obs",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Local-first observability for LLM and agent workflows.")
public final class TtaObs implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The subcommands, in the order help lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    public static void main(String[] args) {
        StartupProfile.mark("jvm");
        if (TtaObs.class.getClassLoader().getResource("application.properties") == null) {
            // the runnable jar without the tta-obs-services.jar its Class-Path names (see app/pom.xml)
            System.err.println("tta-obs: tta-obs-services.jar is missing beside the tta-obs jar; "
                    + "copy both jars together, or unpack the release archive again.");
            System.exit(1);
        }
        String first = args.length > 0 ? args[0] : null;
        if ("start".equals(first)) {
            ReportedStartup.Prepared.begin();
        }
        int code = commandLine(first).execute(args);
        // `start` leaves the server running on non-daemon threads; everything else ends here
        if (code != 0 || !StartCommand.serving()) {
            System.exit(code);
        }
    }

    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * With {@code first} naming a subcommand, only that one is built: picocli reflects over every
     * option of every subcommand it is given, a noticeable part of a start.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new TtaObs());
        boolean one = first != null && SUBCOMMANDS.containsKey(first) && !first.equals("help");
        SUBCOMMANDS.forEach((name, command) -> {
            if (!one || name.equals(first)) {
                cli.addSubcommand(name, command);
            }
        });
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        CliErrors errors = new CliErrors();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        return cli;
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("start", StartCommand.class);
        commands.put("export", ExportCommand.class);
        commands.put("import", ImportCommand.class);
        commands.put("demo", DemoCommand.class);
        commands.put("mcp", McpCommand.class);
        commands.put("traces", QueryCommands.Traces.class);
        commands.put("trace", QueryCommands.TraceOutline.class);
        commands.put("errors", QueryCommands.Errors.class);
        commands.put("llm-calls", QueryCommands.LlmCalls.class);
        commands.put("stats", QueryCommands.Stats.class);
        commands.put("sessions", QueryCommands.Sessions.class);
        commands.put("session", QueryCommands.Session.class);
        commands.put("feedback", QueryCommands.Feedback.class);
        commands.put("check", CheckCommand.class);
        commands.put("doctor", DoctorCommand.class);
        commands.put("train", TrainCommand.class);
        commands.put("help", CommandLine.HelpCommand.class);
        return commands;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
