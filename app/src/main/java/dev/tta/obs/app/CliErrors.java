package dev.tta.obs.app;

import picocli.CommandLine;

/** One readable line per failure; the stack trace only with --verbose. */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
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
}
