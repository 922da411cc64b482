package dev.tta.obs.app;

import dev.tta.obs.adapters.web.QuietLog;
import org.slf4j.LoggerFactory;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * grpc-java logs through java.util.logging, with a stack trace for each connection a client
 * breaks (an HTTP/1 request on the gRPC port logged 27 lines, every time). Here its records
 * become one WARN line in tta-obs's log, without the trace, and alike ones at most once every
 * {@link QuietLog#QUIET_MILLIS}, so a misdirected client cannot flood the log.
 */
final class GrpcTransportLog extends Handler {
    private static final QuietLog LOG = new QuietLog(LoggerFactory.getLogger("dev.tta.obs.grpc"));
    private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger("io.grpc");
    private static volatile boolean installed;

    /** Idempotent; keeps a reference to the logger so its settings are not collected. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        GRPC.setUseParentHandlers(false);
        GRPC.setLevel(Level.INFO);
        GRPC.addHandler(new GrpcTransportLog());
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.INFO.intValue()) {
            return;
        }
        // alike: the same message and exception type, whatever path or address they name
        LOG.warn(record.getMessage() + "|" + (record.getThrown() == null ? "" : record.getThrown().getClass().getName()),
                "gRPC: " + line(record));
    }

    static String line(LogRecord record) {
        StringBuilder b = new StringBuilder(record.getMessage() == null ? "" : record.getMessage());
        Throwable t = record.getThrown();
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause() == t ? null : t.getCause()) {
            b.append(b.isEmpty() ? "" : ": ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                b.append(' ').append(t.getMessage().strip().replaceAll("\\s+", " "));
            }
        }
        if (b.indexOf("HTTP/1.x request") >= 0) {
            b.append(" (an HTTP/1 client on the OTLP/gRPC port; OTLP/HTTP is served on --port and --otlp-http-port)");
        }
        return b.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
