package dev.tta.obs.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code tta-obs doctor}: what `start` needs, checked one line at a time; exits 1 when something fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Check what `tta-obs start` needs: Java, the ports, the data directory and the database. "
                + "One line per check; exits 1 when one fails.")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8765", paramLabel = "PORT",
            description = "Dashboard, REST API and OTLP/HTTP port to check (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--otlp-http-port", defaultValue = "4318", paramLabel = "PORT",
            description = "Extra OTLP/HTTP port to check; 0 skips it (default: ${DEFAULT-VALUE}).")
    int otlpHttpPort;

    @Option(names = "--otlp-grpc-port", defaultValue = "4317", paramLabel = "PORT",
            description = "OTLP/gRPC port to check; 0 skips it (default: ${DEFAULT-VALUE}).")
    int otlpGrpcPort;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address `start` binds (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The data directory to check (default: the per-user data directory).")
    Path dataDir;

    private final PrintStream out;
    private boolean failed;

    DoctorCommand() {
        this(System.out);
    }

    DoctorCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        java();
        Optional<String> running = tta("http://" + host + ":" + port);
        port("port", port, running);
        if (otlpHttpPort != 0) {
            port("OTLP/HTTP port", otlpHttpPort, Optional.empty());
        }
        if (otlpGrpcPort != 0) {
            port("OTLP/gRPC port", otlpGrpcPort, Optional.empty());
        }
        Path dir = (dataDir != null ? dataDir : DataDirectory.defaultForThisMachine()).toAbsolutePath();
        dataDirectory(dir);
        database(dir.resolve(StorageOptions.DATABASE_FILE));
        startupCache();
        line(true, "service", running.map(v -> v + " answers at http://" + host + ":" + port
                        + "/ (what the VS Code extension's tta.serviceUrl points at by default)")
                .orElse("not running at http://" + host + ":" + port + "/; `tta-obs start` starts it"));
        out.flush();
        return failed ? 1 : 0;
    }

    private void java() {
        int feature = Runtime.version().feature();
        line(feature >= 17, "java", "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home") + (feature >= 17 ? "" : "; tta-obs needs 17 or newer"));
    }

    private void port(String what, int number, Optional<String> tta) {
        if (Ports.isFree(host, number)) {
            line(true, what, number + " on " + host + " is free");
        } else if (tta.isPresent()) {
            line(true, what, number + " on " + host + " is taken by " + tta.get() + ", already running");
        } else {
            String who = PortOwner.find(number).map(o -> "by " + o).orElse("by another program");
            line(false, what, number + " on " + host + " is taken " + who + "; free it or choose another port");
        }
    }

    private void dataDirectory(Path dir) {
        if (!Files.exists(dir)) {
            Path existing = dir.getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            boolean creatable = existing != null && Files.isWritable(existing);
            line(creatable, "data", dir + " does not exist yet" + (creatable ? "; the first start creates it"
                    : " and cannot be created (" + existing + " is not writable)"));
            return;
        }
        try {
            Path probe = Files.createTempFile(dir, ".doctor", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            line(false, "data", dir + " is not writable: " + e.getMessage());
            return;
        }
        line(true, "data", dir + " is writable, " + megabytes(sizeOf(dir)) + " used");
    }

    private void database(Path file) {
        if (!Files.exists(file)) {
            line(true, "database", "no database yet; the first start creates " + file.getFileName());
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            String result = rs.next() ? rs.getString(1) : "no answer";
            line(result.equals("ok"), "database", file + (result.equals("ok") ? " passes SQLite's quick check"
                    : " is damaged: " + result));
        } catch (Exception e) {
            line(false, "database", file + " cannot be read: " + e.getMessage());
        }
    }

    private void startupCache() {
        Optional<Path> cache = CacheDirectory.current();
        if (cache.isEmpty()) {
            line(true, "cache", "none (run through the tta-obs launcher to start faster)");
            return;
        }
        Path startup = cache.get().resolve("startup");
        long archives;
        try (Stream<Path> files = Files.exists(startup) ? Files.walk(startup) : Stream.empty()) {
            archives = files.filter(p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".aot")).count();
        } catch (IOException e) {
            archives = 0;
        }
        line(true, "cache", cache.get() + ", start-up caches for " + archives + " Java build(s)"
                + (archives == 0 ? "; the first `tta-obs start` or `tta-obs train` records one" : ""));
    }

    /** The version of the tta-obs that answers at {@code base}, if one does. */
    private static Optional<String> tta(String base) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("\"status\"")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
                return Optional.of("tta-obs" + (m.find() ? " " + m.group(1) : ""));
            }
        } catch (IOException | InterruptedException | IllegalArgumentException e) {
            // nothing answers there
        }
        return Optional.empty();
    }

    private void line(boolean ok, String check, String message) {
        failed |= !ok;
        out.printf(Locale.ROOT, "%-5s %-15s %s%n", ok ? "ok" : "FAIL", check, message);
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    /** Who listens on a port, from /proc on Linux; nothing elsewhere. */
    static final class PortOwner {
        private PortOwner() {
        }

        static Optional<String> find(int port) {
            Optional<String> inode = listeningInode(port);
            if (inode.isEmpty()) {
                return Optional.empty();
            }
            String socket = "socket:[" + inode.get() + "]";
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                        if (fds.anyMatch(fd -> {
                            try {
                                return Files.readSymbolicLink(fd).toString().equals(socket);
                            } catch (IOException e) {
                                return false;
                            }
                        })) {
                            String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .replace('\0', ' ').trim();
                            if (cmd.length() > 80) {
                                cmd = cmd.substring(0, 77) + "...";
                            }
                            return Optional.of("process " + proc.getFileName() + " (" + cmd + ")");
                        }
                    } catch (IOException | SecurityException e) {
                        // another user's process: its descriptors are not ours to read
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }

        private static Optional<String> listeningInode(int port) {
            String hexPort = String.format(Locale.ROOT, ":%04X", port);
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                try {
                    for (String row : Files.readAllLines(Path.of(table))) {
                        String[] f = row.trim().split("\\s+");
                        // local_address is field 1, st (0A = LISTEN) field 3, inode field 9
                        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                            return Optional.of(f[9]);
                        }
                    }
                } catch (IOException e) {
                    // not Linux
                }
            }
            return Optional.empty();
        }
    }
}
