package dev.tta.obs.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.Map;

/**
 * The logging set-up, in code rather than a {@code logback.xml}: reading XML costs logback its
 * Joran configurator and the JDK's XML parser, several hundred classes on every start of every
 * command (docs/performance.md, start-up). Found by logback through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}; with
 * {@code -Dlogback.configurationFile=...} the named file is read instead, as logback documents.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {
    /** Logger levels below the root's WARN. */
    private static final Map<String, Level> LEVELS = Map.of(
            "org.flywaydb", Level.WARN,
            "io.micronaut", Level.WARN,
            // start-up failures are reported by the CLI in one line; Micronaut's own report is a stack trace
            "io.micronaut.runtime.Micronaut", Level.OFF,
            "io.netty", Level.WARN,
            // a dropped database connection is answered with 503 to the exporter; the pool's stack trace helps no one
            "com.zaxxer.hikari", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.NEUTRAL;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
        encoder.start();
        // stderr, so `tta-obs export -o -` can write clean data to stdout
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("dev.tta.obs").setLevel(ownLevel(System.getProperty("TTA_OBS_LOG_LEVEL",
                System.getenv("TTA_OBS_LOG_LEVEL"))));
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code TTA_OBS_LOG_LEVEL} (DEBUG, INFO, ...), INFO when unset or not a level. */
    static Level ownLevel(String value) {
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
    }
}
