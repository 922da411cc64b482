package dev.tta.obs.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VS Code extension (ui/vscode) end to end: a real VS Code (code-server in headless Chromium)
 * with the built .vsix, pointed at a running tta-obs, driven by ui/vscode/test/e2e/drive.mjs.
 * Without code-server, Chromium, node or the .vsix the test is skipped, saying which is missing,
 * unless TTA_OBS_REQUIRE_VSCODE=1 (as in CI) makes that a failure. The host comes from
 * ui/vscode/test/e2e/setup-host.sh, into $TTA_VSCODE_HOST_DIR or ~/.cache/tta-obs/vscode-host.
 */
class VsCodeExtensionIT {
    static final Path UI = Path.of("../ui").toAbsolutePath().normalize();
    static final Path DRIVER = UI.resolve("vscode/test/e2e/drive.mjs");
    static final Path SCREENSHOT = Path.of("target/vscode-e2e.png").toAbsolutePath();
    static final int SKIPPED = 3; // drive.mjs's exit code when the host is missing

    @TempDir
    Path dataDir;
    @TempDir
    Path work;
    RunningService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static boolean required() {
        return "1".equals(System.getenv("TTA_OBS_REQUIRE_VSCODE"));
    }

    private static void requireThat(boolean present, String why) {
        String hint = why + "; run ui/vscode/test/e2e/setup-host.sh and build the ui module (needs node)";
        if (required()) {
            assertThat(present).as(hint + " (TTA_OBS_REQUIRE_VSCODE=1)").isTrue();
        }
        Assumptions.assumeTrue(present, hint);
    }

    static Path hostDir() {
        String env = System.getenv("TTA_VSCODE_HOST_DIR");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "tta-obs", "vscode-host");
    }

    static Path vsix() throws IOException {
        Path target = UI.resolve("target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("tta-obs-vscode-.*\\.vsix")).findFirst().orElse(null);
        }
    }

    static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Code-server with playwright-core, Chromium and the built .vsix: what every case drives. */
    private record Host(Path dir, String chromium, Path vsix) {
    }

    /** The host, or the test skipped (failed with TTA_OBS_REQUIRE_VSCODE=1) saying which part is missing. */
    private static Host requireHost() throws IOException {
        String chromium = System.getenv().getOrDefault("TTA_CHROMIUM", "/usr/bin/chromium");
        Path host = hostDir();
        requireThat(nodeAvailable(), "node is not on the PATH");
        requireThat(Files.isExecutable(Path.of(chromium)), "no Chromium at " + chromium);
        requireThat(Files.isExecutable(host.resolve("node_modules/.bin/code-server"))
                && Files.isDirectory(host.resolve("node_modules/playwright-core")), "no code-server/playwright-core in " + host);
        Path vsix = vsix();
        requireThat(vsix != null, "no tta-obs-vscode-*.vsix in " + UI.resolve("target"));
        return new Host(host, chromium, vsix);
    }

    /**
     * Runs one of the e2e scripts ({@code name}, for the messages) to its end; its output. Skips (or,
     * in CI, fails) when the script found the host missing, and fails when a check failed or it
     * outran {@code minutes}.
     */
    private static String runScript(String name, List<String> cmd, Path screenshot, Path log, int minutes)
            throws Exception {
        Process node = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = node.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            node.descendants().forEach(ProcessHandle::destroy);
            node.destroy();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(finished).as(name + " finished within " + minutes + " minutes:\n" + out).isTrue();
        if (node.exitValue() == SKIPPED) {
            requireThat(false, out.trim());
        }
        assertThat(node.exitValue()).as(name + " (screenshot " + screenshot + "):\n" + out).isZero();
        return out;
    }

    @Test
    void extensionInRealVsCode_showsLiveStatus_opensDashboardAndTraceById_jumpsToCode() throws Exception {
        String out = drive("main");
        assertThat(out).contains("PASS status bar counts a new trace");
    }

    @Test
    void extensionInRealVsCode_turnsTheStatusBarIntoABudgetWarning() throws Exception {
        String out = drive("budget", "--budget-daily-usd=1");
        assertThat(out).contains("PASS status bar turns into a budget warning")
                .contains("TTA: ⚠ budget $1.20/$1.00");
    }

    /**
     * Runs drive.mjs's checks of one scenario against a service started with {@code serviceArgs}.
     * The main scenario's screenshot is target/vscode-e2e.png, another's target/vscode-e2e-NAME.png.
     */
    private String drive(String scenario, String... serviceArgs) throws Exception {
        Host host = requireHost();
        service = new RunningService(dataDir, serviceArgs);
        String suffix = scenario.equals("main") ? "" : "-" + scenario;
        Path screenshot = SCREENSHOT.resolveSibling("vscode-e2e" + suffix + ".png");
        List<String> cmd = List.of("node", DRIVER.toString(), "--scenario", scenario,
                "--service", service.url(""), "--vsix", host.vsix().toString(), "--host-dir", host.dir().toString(),
                "--chromium", host.chromium(), "--work", work.toString(), "--screenshot", screenshot.toString());
        return runScript("drive.mjs --scenario " + scenario, cmd, screenshot, work.resolve("drive" + suffix + ".log"), 6);
    }

    /**
     * A new user's path: tta-obs installed from the release archive ({@code tta-obs install} into a
     * temporary home), nothing running, an empty workspace; "TTA: Start Service" must find the
     * installed tta-obs (VS Code's PATH lacks ~/.local/bin), start it, and show it in the status bar.
     * Driven by ui/vscode/test/e2e/start-service.mjs.
     */
    @Test
    void startServiceInAnEmptyWorkspace_startsTheInstalledTtaObs_andShowsItInTheStatusBar() throws Exception {
        Host host = requireHost();
        Path archive;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            archive = s.filter(p -> p.getFileName().toString().matches("tta-obs-[^-]+(-SNAPSHOT)?\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no release archive in target: run through `./mvnw verify`"));
        }
        Path home = Files.createDirectories(work.resolve("home"));
        Path unpacked = Files.createDirectories(work.resolve("download"));
        assertThat(new ProcessBuilder("tar", "xzf", archive.toAbsolutePath().toString(), "-C", unpacked.toString())
                .inheritIO().start().waitFor()).isZero();
        Path release;
        try (Stream<Path> s = Files.list(unpacked)) {
            release = s.findFirst().orElseThrow();
        }
        ProcessBuilder install = new ProcessBuilder(release.resolve("bin/tta-obs").toString(), "install")
                .redirectErrorStream(true);
        install.environment().put("HOME", home.toString());
        Process installing = install.start();
        String installed = new String(installing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(installing.waitFor()).as(installed).isZero();
        assertThat(home.resolve(".local/bin/tta-obs")).isSymbolicLink();

        int port = freePort();
        int grpcPort = freePort();
        Path data = dataDir.resolve("started-by-vscode");
        Path screenshot = SCREENSHOT.resolveSibling("vscode-start-service.png");
        List<String> cmd = List.of("node", DRIVER.resolveSibling("start-service.mjs").toString(),
                "--vsix", host.vsix().toString(), "--host-dir", host.dir().toString(), "--chromium", host.chromium(),
                "--work", work.toString(), "--home", home.toString(), "--port", String.valueOf(port),
                "--grpc-port", String.valueOf(grpcPort), "--data-dir", data.toString(), "--screenshot", screenshot.toString());
        try {
            String out = runScript("start-service.mjs", cmd, screenshot, work.resolve("start-service.log"), 8);
            assertThat(out).contains("PASS the status bar shows the started service");
            assertThat(data.resolve("tta-obs.sqlite")).as("the data went where TTA_OBS_DATA_DIR said").exists();
        } finally {
            // the extension starts tta-obs in a process group of its own, which outlives code-server
            // when a check failed before "Stop Service": end the JVM this test's data directory names
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(data.toString())).orElse(false))
                    .forEach(ProcessHandle::destroy);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
