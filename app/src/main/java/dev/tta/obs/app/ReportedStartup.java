package dev.tta.obs.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.exceptions.ApplicationStartupException;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Micronaut with start-up failures handed back to the caller. Micronaut's own handling logs them
 * through its logger (silenced in {@link LogConfiguration}, as its report is a stack trace) and calls
 * {@code System.exit(1)} outside tests, so a damaged database or an unwritable directory ended
 * `tta-obs start` with no output at all; thrown instead, {@link CliErrors} prints one line.
 *
 * <p>{@link Prepared#begin} lets `tta-obs start` make the builder and the bare context object (its
 * environment, and the scan of Micronaut's service entries both need) on a second thread while
 * picocli reads the command line on the first: none of that depends on the options, which are
 * added as the context's property source afterwards, by {@link #start}'s build as before.
 */
final class ReportedStartup extends Micronaut {
    private ApplicationContext premade;

    static Micronaut create() {
        FutureTask<ReportedStartup> task = Prepared.task;
        Prepared.task = null;
        if (task != null) {
            try {
                return task.get();
            } catch (ExecutionException e) {
                // made again below, where the same failure surfaces in the usual place
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return configured();
    }

    private static ReportedStartup configured() {
        ReportedStartup startup = new ReportedStartup();
        startup.args().mainClass(TtaObs.class).banner(false);
        return startup;
    }

    @Override
    protected ApplicationContext newApplicationContext() {
        ApplicationContext context = premade;
        premade = null;
        return context != null ? context : super.newApplicationContext();
    }

    /**
     * Apart from the outer class: initializing that one initializes Micronaut's, whose logger sets up
     * logging, and that belongs on the second thread too.
     */
    static final class Prepared {
        private static volatile FutureTask<ReportedStartup> task;

        private Prepared() {
        }

        static void begin() {
            FutureTask<ReportedStartup> made = new FutureTask<>(() -> {
                ReportedStartup startup = configured();
                startup.premade = startup.newApplicationContext();
                return startup;
            });
            Thread thread = new Thread(made, "tta-obs-context-prepare");
            thread.setDaemon(true);
            task = made;
            thread.start();
        }
    }

    @Override
    protected void handleStartupException(Environment environment, Throwable exception) {
        throw new ApplicationStartupException("Error starting Micronaut server: " + exception.getMessage(), exception);
    }
}
