package dev.tta.obs.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tta-obs start}: runs the service until Ctrl-C. */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Start tta-obs: dashboard, REST API and OTLP receivers.",
                "Every option can also be set as an environment variable: --port as TTA_OBS_PORT, "
                        + "--data-dir as TTA_OBS_DATA_DIR, and so on."},
        sortOptions = false)
final class StartCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);
    private static volatile boolean serving;

    @Option(names = "--port", defaultValue = "8765", paramLabel = "PORT",
            description = "Dashboard, REST API and OTLP/HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "Require this token on the REST API, the live feed and OTLP "
                    + "('Authorization: Bearer TOKEN'). The dashboard served here gets it by itself. "
                    + "Set it whenever --host is not a loopback address.")
    String authToken;

    @Option(names = "--otlp-http-port", defaultValue = "4318", paramLabel = "PORT",
            description = "Extra OTLP/HTTP port, the SDKs' default; 0 disables (default: ${DEFAULT-VALUE}).")
    int otlpHttpPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the SQLite database lives (default: the per-user data directory, "
                    + "e.g. ~/.local/share/tta-obs on Linux).")
    Path dataDir;

    @Option(names = "--storage", defaultValue = "sqlite", paramLabel = "KIND",
            description = "Storage backend: sqlite (default).")
    String storage;

    @Option(names = "--verbose", description = "Print stack traces and debug logs.")
    boolean verbose;

    private final PrintStream out;

    StartCommand() {
        this(System.out);
    }

    StartCommand(PrintStream out) {
        this.out = out;
    }

    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() {
        validate();
        Path dir = (dataDir != null ? dataDir : DataDirectory.defaultForThisMachine()).toAbsolutePath();
        ApplicationContext context = start(dir);
        serving = context.isRunning();
        String base = "http://" + displayHost() + ":" + port;
        String dashboard = base + "/" + (hasToken() ? "?token=" + authToken : "");
        out.println("tta-obs " + Version.current() + " ready: dashboard " + dashboard + "  |  OTLP/HTTP " + base
                + "/v1/traces" + (otlpHttpEnabled ? " and http://" + displayHost() + ":" + otlpHttpPort + "/v1/traces" : "")
                + "  |  data " + dir);
        out.flush();
        return 0;
    }

    private boolean otlpHttpEnabled;

    private void validate() {
        checkPort("--port", port, false);
        checkPort("--otlp-http-port", otlpHttpPort, true);
        if (!storage.equals("sqlite")) {
            throw new IllegalArgumentException("--storage must be 'sqlite' (PostgreSQL support is coming), got '"
                    + storage + "'");
        }
    }

    private static void checkPort(String flag, int value, boolean zeroDisables) {
        if (value < (zeroDisables ? 0 : 1) || value > 65535) {
            throw new IllegalArgumentException(flag + " must be " + (zeroDisables ? "0 (off) or " : "")
                    + "a port between 1 and 65535, got " + value);
        }
    }

    private String displayHost() {
        return host.equals("127.0.0.1") || host.equals("0.0.0.0") ? "localhost" : host;
    }

    private boolean hasToken() {
        return authToken != null && !authToken.isBlank();
    }

    ApplicationContext start(Path dir) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("tta.web.host", host);
        if (hasToken()) {
            props.put("tta.web.auth-token", authToken.trim());
        }
        if (!BindAddress.isLoopback(host) && !hasToken()) {
            LOG.warn("tta-obs is listening on {}, beyond this machine, WITHOUT an auth token: anyone who can "
                    + "reach this address can read every trace (prompts, secrets) and send spans. "
                    + "Start it with --auth-token (or TTA_OBS_AUTH_TOKEN) to require one.", host);
        }
        props.put("tta.data-dir", dir.toString());
        props.put("tta.storage", storage);
        if (!Ports.isFree(host, port)) {
            throw new PortInUseException("port " + port + " on " + host
                    + " is already in use (is tta-obs already running?); choose another with --port");
        }
        props.put("micronaut.server.netty.listeners.main.host", host);
        props.put("micronaut.server.netty.listeners.main.port", port);
        otlpHttpEnabled = otlpHttpPort != 0 && otlpHttpPort != port;
        if (otlpHttpEnabled && !Ports.isFree(host, otlpHttpPort)) {
            // a Collector often owns 4318 already; the main port still takes OTLP/HTTP, so keep going
            LOG.warn("OTLP/HTTP port {} is in use (a Collector?); OTLP/HTTP stays available on port {}. "
                    + "Use --otlp-http-port to pick another, or 0 to silence this.", otlpHttpPort, port);
            otlpHttpEnabled = false;
        }
        if (otlpHttpEnabled) {
            props.put("micronaut.server.netty.listeners.otlp.host", host);
            props.put("micronaut.server.netty.listeners.otlp.port", otlpHttpPort);
        }
        return Micronaut.build(new String[0])
                .mainClass(TtaObs.class)
                .banner(false)
                .properties(props)
                .start();
    }
}
