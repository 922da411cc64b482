package dev.tta.obs.app;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * One readable line per failure; the stack trace only with --verbose. A mistyped flag or value is
 * named with picocli's own message and its suggestions, then a pointer to --help: the whole usage,
 * forty lines for the query commands, buried the one line that said what was wrong.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
        cli.getErr().println("tta-obs: " + UserMessages.describe(e));
        if (verbose) {
            e.printStackTrace(cli.getErr());
        } else {
            cli.getErr().println("(run with --verbose for details)");
        }
        return 1;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("(run '" + cli.getCommandSpec().qualifiedName() + " --help' for its options)");
        err.flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }
}
