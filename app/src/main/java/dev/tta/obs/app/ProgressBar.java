package dev.tta.obs.app;

import dev.tta.obs.ports.in.TransferProgress;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second; silent when stderr is not
 * a terminal, so scripts and CI logs stay clean.
 */
final class ProgressBar implements TransferProgress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final String verb;
    private final String unit;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err, String verb, String unit, boolean enabled) {
        this.err = err;
        this.verb = verb;
        this.unit = unit;
        this.enabled = enabled;
    }

    static boolean terminal() {
        return System.console() != null;
    }

    @Override
    public void advanced(long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < 100_000_000L && done != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        err.print("\r" + line(done, total));
        err.flush();
    }

    String line(long done, long total) {
        if (total <= 0) {
            return String.format("%s %,d %s", verb, done, unit);
        }
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format("%s [%s%s] %3d%% %,d/%,d %s", verb, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(fraction * 100), done, total, unit);
    }

    void finish() {
        if (enabled && drawn) {
            err.print("\r" + " ".repeat(80) + "\r");
            err.flush();
        }
    }
}
