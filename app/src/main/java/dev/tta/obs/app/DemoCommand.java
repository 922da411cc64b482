package dev.tta.obs.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code tta-obs demo}: fills a running tta-obs with realistic workflow runs so a newcomer sees a full dashboard. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Send realistic TTA.dev workflow traces (cache, retry, fallback, LLM calls, an error) "
                + "to a running tta-obs through the OpenTelemetry Java SDK.")
final class DemoCommand implements Callable<Integer> {
    // the SDK logs each failed export with a stack trace; the command says it once, in one line
    private static final Logger SDK_LOG = Logger.getLogger("io.opentelemetry");

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8765", paramLabel = "URL",
            description = "The running tta-obs (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--big", description = "Also send one 10,000-span trace.")
    boolean big;

    @Override
    public Integer call() {
        SDK_LOG.setLevel(Level.OFF);
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try (DemoWorkflows demo = new DemoWorkflows(base + "/v1/traces")) {
            demo.sendTour(big);
            if (!demo.flush()) {
                System.err.println("tta-obs demo: " + base + " did not accept the traces; is `tta-obs start` running?");
                return 1;
            }
        }
        System.out.println("Sent demo workflows. Open " + base + "/");
        return 0;
    }
}
