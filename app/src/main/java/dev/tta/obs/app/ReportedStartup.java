package dev.tta.obs.app;

import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.exceptions.ApplicationStartupException;

/**
 * Micronaut with start-up failures handed back to the caller. Micronaut's own handling logs them
 * through its logger (silenced in {@link LogConfiguration}, as its report is a stack trace) and calls
 * {@code System.exit(1)} outside tests, so a damaged database or an unwritable directory ended
 * `tta-obs start` with no output at all; thrown instead, {@link CliErrors} prints one line.
 */
final class ReportedStartup extends Micronaut {
    static Micronaut create() {
        return new ReportedStartup().args();
    }

    @Override
    protected void handleStartupException(Environment environment, Throwable exception) {
        throw new ApplicationStartupException("Error starting Micronaut server: " + exception.getMessage(), exception);
    }
}
