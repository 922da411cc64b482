package dev.tta.obs.app;

import dev.tta.obs.adapters.web.AccessKeys;
import dev.tta.obs.domain.query.Budget;
import dev.tta.obs.ports.out.TraceStore;
import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                    + "('Authorization: Bearer TOKEN'); the browser presents it once through the link printed at start. "
                    + "Set it whenever --host is not a loopback address.")
    String authToken;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Read the --auth-token from the first line of this file; unlike the flag, "
                    + "it stays out of ps.")
    Path authTokenFile;

    @Option(names = "--ingest-token", paramLabel = "KEY",
            description = "A key that can send OTLP and nothing else, for applications; repeatable. "
                    + "Needs --auth-token.")
    List<String> ingestTokens = new ArrayList<>();

    @Option(names = "--ingest-token-file", paramLabel = "FILE",
            description = "Ingest keys from this file, one a line (# comments).")
    Path ingestTokenFile;

    @Option(names = "--viewer-token", paramLabel = "KEY",
            description = "A read-only key: the dashboard, REST reads, the live feed and MCP, but no "
                    + "delete, import or OTLP; repeatable. Needs --auth-token.")
    List<String> viewerTokens = new ArrayList<>();

    @Option(names = "--viewer-token-file", paramLabel = "FILE",
            description = "Viewer keys from this file, one a line (# comments).")
    Path viewerTokenFile;

    @Option(names = "--otlp-http-port", defaultValue = "4318", paramLabel = "PORT",
            description = "Extra OTLP/HTTP port, the SDKs' default; 0 disables (default: ${DEFAULT-VALUE}).")
    int otlpHttpPort;

    @Option(names = "--otlp-grpc-port", defaultValue = "4317", paramLabel = "PORT",
            description = "OTLP/gRPC port; 0 disables (default: ${DEFAULT-VALUE}).")
    int otlpGrpcPort;

    @Option(names = "--cors-origin", split = ",", paramLabel = "ORIGIN",
            description = "Browser origin allowed to export OTLP/HTTP, e.g. http://localhost:5173; "
                    + "repeat or separate with commas (default: none).")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--otlp-max-request-bytes", defaultValue = "67108864", paramLabel = "BYTES",
            description = "Largest OTLP request body accepted, after decompression (default: ${DEFAULT-VALUE}, 64 MiB).")
    long otlpMaxRequestBytes;

    @Option(names = "--otlp-max-attributes", defaultValue = "1024", paramLabel = "N",
            description = "Attributes kept per span, event, link, resource, log record or data point; "
                    + "the rest are counted as dropped (default: ${DEFAULT-VALUE}).")
    int otlpMaxAttributes;

    @Option(names = "--otlp-max-attribute-length", defaultValue = "1048576", paramLabel = "CHARS",
            description = "Longest attribute value kept; longer ones are cut and counted as dropped "
                    + "(default: ${DEFAULT-VALUE}).")
    int otlpMaxAttributeLength;

    @Option(names = "--max-connections", defaultValue = "1024", paramLabel = "N",
            description = "HTTP connections open at once, over all HTTP ports; a connection beyond them is "
                    + "answered 503 and closed (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    // hidden: how long a request may take to arrive before it is answered 408; tests shorten it
    @Option(names = "--request-timeout", defaultValue = "10s", hidden = true)
    String requestTimeout;

    @Mixin
    StorageOptions storage;

    @Option(names = "--max-traces", defaultValue = "1000", paramLabel = "N",
            description = "Keep the newest N traces; 0 keeps any number (default: ${DEFAULT-VALUE}).")
    long maxTraces;

    @Option(names = "--retention", defaultValue = "24h", paramLabel = "AGE",
            description = "Keep traces this long after their last span arrived: 30m, 24h, 7d; 0 keeps them "
                    + "forever (default: ${DEFAULT-VALUE}).")
    String retention;

    // hidden: how often retention runs; tests shorten it, users have no reason to
    @Option(names = "--retention-every", defaultValue = "5s", hidden = true)
    String retentionEvery;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "A price file (TSV, see docs/costs.md) that adds or overrides model prices "
                    + "(default: <data-dir>/prices.tsv when it exists).")
    Path prices;

    @Option(names = "--budget-daily-usd", paramLabel = "USD",
            description = "Warn (dashboard banner, VS Code status bar, live event, /api/stats) once the runs "
                    + "started today (UTC) cost more than USD together.")
    Double budgetDailyUsd;

    @Option(names = "--budget-run-usd", paramLabel = "USD",
            description = "Warn the same way when a run started today costs more than USD.")
    Double budgetRunUsd;

    @Option(names = "--verbose", description = "Print stack traces and debug logs.")
    boolean verbose;

    private final PrintStream out;
    private ApplicationContext context;

    StartCommand() {
        this(System.out);
    }

    StartCommand(PrintStream out) {
        this.out = out;
    }

    static boolean serving() {
        return serving;
    }

    /** Stops what {@link #call} started (for `train`, which runs the service for a moment). */
    void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
        serving = false;
    }

    @Override
    public Integer call() {
        validate();
        Path dir = storage.dataDirectory();
        StartupProfile.mark("command line");
        context = start(dir);
        StartupProfile.mark("context started");
        serving = context.isRunning();
        String base = "http://" + displayHost() + ":" + port;
        String dashboard = dashboardLink(base, hasToken() ? authToken.trim() : null);
        out.println("tta-obs " + Version.current() + " ready: dashboard " + dashboard + "  |  OTLP/HTTP " + base
                + "/v1/traces" + (otlpHttpEnabled ? " and http://" + displayHost() + ":" + otlpHttpPort + "/v1/traces" : "")
                + (otlpGrpcEnabled ? "  |  OTLP/gRPC " + displayHost() + ":" + otlpGrpcPort : "")
                + "  |  " + (storage.storage.equals("postgres") ? "data " + context.getBean(TraceStore.class).describe()
                        : "data " + dir));
        out.flush();
        StartupProfile.mark("ready");
        StartupProfile.print(System.err);
        return 0;
    }

    private boolean otlpHttpEnabled;
    private boolean otlpGrpcEnabled;

    private void validate() {
        checkPort("--port", port, false);
        checkPort("--otlp-http-port", otlpHttpPort, true);
        checkPort("--otlp-grpc-port", otlpGrpcPort, true);
        if (otlpGrpcPort != 0 && (otlpGrpcPort == port || otlpGrpcPort == otlpHttpPort)) {
            throw new IllegalArgumentException("--otlp-grpc-port must differ from --port and --otlp-http-port, got "
                    + otlpGrpcPort);
        }
        if (otlpMaxRequestBytes < 1024 || otlpMaxRequestBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--otlp-max-request-bytes must be between 1024 and "
                    + Integer.MAX_VALUE + ", got " + otlpMaxRequestBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be 1 or more, got " + maxConnections);
        }
        if (otlpMaxAttributes < 1 || otlpMaxAttributeLength < 1) {
            throw new IllegalArgumentException("--otlp-max-attributes and --otlp-max-attribute-length must be positive");
        }
        storage.validate();
        new Budget(Optional.ofNullable(budgetDailyUsd), Optional.ofNullable(budgetRunUsd));
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

    /** The link printed at start; the token is query-encoded, so one holding {@code &}, {@code +} or a space still works. */
    static String dashboardLink(String base, String token) {
        return base + "/" + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private boolean hasToken() {
        return authToken != null && !authToken.isBlank();
    }

    ApplicationContext start(Path dir) {
        authToken = AuthTokenFile.resolve(authToken, authTokenFile);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("tta.web.host", host);
        if (hasToken()) {
            props.put("tta.web.auth-token", authToken.trim());
        }
        List<String> ingest = AuthTokenFile.keys(ingestTokens, ingestTokenFile, "--ingest-token-file");
        List<String> viewer = AuthTokenFile.keys(viewerTokens, viewerTokenFile, "--viewer-token-file");
        // checked here, not when the web beans are made: a bad flag is a one-line error, not a failed start-up
        new AccessKeys(hasToken() ? Optional.of(authToken) : Optional.empty(), ingest, viewer);
        if (!ingest.isEmpty()) {
            props.put("tta.web.ingest-tokens", String.join("\n", ingest));
        }
        if (!viewer.isEmpty()) {
            props.put("tta.web.viewer-tokens", String.join("\n", viewer));
        }
        if (!BindAddress.isLoopback(host) && !hasToken()) {
            LOG.warn("tta-obs is listening on {}, beyond this machine, WITHOUT an auth token: anyone who can "
                    + "reach this address can read every trace (prompts, secrets) and send spans. "
                    + "Start it with --auth-token (or TTA_OBS_AUTH_TOKEN) to require one.", host);
        }
        props.put("tta.data-dir", dir.toString());
        if (budgetDailyUsd != null) {
            props.put("tta.budget.daily-usd", budgetDailyUsd);
        }
        if (budgetRunUsd != null) {
            props.put("tta.budget.run-usd", budgetRunUsd);
        }
        props.put("tta.storage", storage.storage);
        if (maxTraces < 0) {
            throw new IllegalArgumentException("--max-traces must be 0 (no limit) or more, got " + maxTraces);
        }
        props.put("tta.retention.max-traces", maxTraces);
        props.put("tta.retention.max-age", TimeArguments.format(TimeArguments.duration(retention, "--retention")));
        props.put("tta.retention.every", TimeArguments.format(TimeArguments.duration(retentionEvery, "--retention-every")));

        if (storage.storage.equals("postgres")) {
            props.put("tta.db.url", storage.dbUrl.trim());
            StorageOptions.given(storage.dbUser).ifPresent(u -> props.put("tta.db.user", u));
            StorageOptions.given(storage.dbPassword).ifPresent(p -> props.put("tta.db.password", p));
        }
        if (prices != null) {
            if (!java.nio.file.Files.isRegularFile(prices)) {
                throw new IllegalArgumentException("--prices: no such file " + prices.toAbsolutePath());
            }
            props.put("tta.prices", prices.toAbsolutePath().toString());
        }
        try {
            DataDirectoryLock.checkFree(dir);
        } catch (java.io.IOException e) {
            // unreadable lock file: the lock itself, taken as the store opens, says what is wrong
        }
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
        props.putAll(otlpProperties());
        props.put("tta.http.max-connections", maxConnections);
        props.put("tta.http.request-timeout",
                TimeArguments.format(TimeArguments.duration(requestTimeout, "--request-timeout")));
        if (otlpGrpcEnabled) {
            GrpcTransportLog.install();
        }
        RequestPathWarmup.begin();
        if (storage.storage.equals("sqlite")) {
            StoreWarmup.begin(dir.resolve(StorageOptions.DATABASE_FILE));
        }
        return ReportedStartup.create()
                .properties(props)
                .start();
    }

    /** The gRPC server and the OTLP limits; a taken gRPC port is reported and skipped, like 4318. */
    private Map<String, Object> otlpProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("tta.otlp.max-request-bytes", otlpMaxRequestBytes);
        props.put("tta.otlp.max-attributes", otlpMaxAttributes);
        props.put("tta.otlp.max-attribute-length", otlpMaxAttributeLength);
        props.put("tta.otlp.cors-origins", String.join(",", corsOrigins));
        // the HTTP server's own limit counts decompressed bytes too; the receiver answers 413 in OTLP's shape first
        props.put("micronaut.server.max-request-size", otlpMaxRequestBytes);
        // gzip inflates faster than a parser reads, so the server buffers ahead: bound that buffer the same way
        props.put("micronaut.server.max-request-buffer-size", otlpMaxRequestBytes);
        otlpGrpcEnabled = otlpGrpcPort != 0;
        if (otlpGrpcEnabled && !Ports.isFree(host, otlpGrpcPort)) {
            LOG.warn("OTLP/gRPC port {} is in use (a Collector?); OTLP/gRPC is off, everything else keeps running. "
                    + "Use --otlp-grpc-port to pick another, or 0 to silence this.", otlpGrpcPort);
            otlpGrpcEnabled = false;
        }
        props.put("grpc.server.enabled", otlpGrpcEnabled);
        if (otlpGrpcEnabled) {
            props.put("grpc.server.host", host);
            props.put("grpc.server.port", otlpGrpcPort);
            props.put("grpc.server.max-inbound-message-size", (int) otlpMaxRequestBytes);
            props.put(GrpcEarlyStart.PROPERTY, true);
        }
        return props;
    }
}
