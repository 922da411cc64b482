package dev.tta.obs.app;

import dev.tta.obs.domain.check.CheckResult;
import dev.tta.obs.domain.check.CheckRun;
import dev.tta.obs.domain.check.CheckThresholds;
import dev.tta.obs.domain.check.RunGate;
import dev.tta.obs.domain.check.WorkflowNumbers;
import dev.tta.obs.ports.out.StoreUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code tta-obs check}: a CI gate. Compares each workflow's recent runs with its baseline and
 * exits 1 when a threshold is crossed. Reads the store or the REST API only: no server is started.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Fail a CI job when a workflow got slower, costlier or less reliable.",
            "For each workflow, compares its runs in the window (--since or --last) with its baseline: "
                + "the runs before the window, or a file saved with --save-baseline. Increases are checked "
                + "on p50 and p95. Prints a table of every check; --junit writes JUnit XML, --json prints JSON."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:every check passed (skipped ones say why)", "1:a check failed",
            "2:a bad argument or baseline file, or no tta-obs answers at --url"})
final class CheckCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "The window: runs started since 30m, 2h, 1d ago or an ISO time (e.g. when the CI job began).")
    String since;

    @Option(names = "--last", paramLabel = "N", description = "The window: the newest N runs of each workflow.")
    Integer last;

    @Option(names = "--workflow", paramLabel = "NAME",
            description = "Only this workflow (workflow.name, else the root span name); repeatable. "
                    + "A named workflow without runs in the window fails.")
    List<String> workflows = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "Compare with this saved baseline instead of the runs before the window.")
    Path baselineFile;

    @Option(names = "--save-baseline", paramLabel = "FILE",
            description = "Save the window's numbers per workflow to FILE, for a later --baseline.")
    Path saveBaseline;

    @Option(names = "--max-latency-increase", paramLabel = "PCT",
            description = "Fail when p50 or p95 latency rose more than PCT percent (e.g. 20 or 20%%).")
    String maxLatencyIncrease;

    @Option(names = "--max-cost-increase", paramLabel = "PCT",
            description = "Fail when p50 or p95 cost per run rose more than PCT percent.")
    String maxCostIncrease;

    @Option(names = "--max-token-increase", paramLabel = "PCT",
            description = "Fail when p50 or p95 tokens per run rose more than PCT percent.")
    String maxTokenIncrease;

    @Option(names = "--max-error-rate", paramLabel = "PCT",
            description = "Fail when more than PCT percent of the runs failed (runs that recovered from "
                    + "their errors did not).")
    String maxErrorRate;

    @Option(names = "--max-cost-usd", paramLabel = "USD", description = "Fail when any run cost more than USD.")
    String maxCostUsd;

    @Option(names = "--min-score", paramLabel = "NAME=VALUE",
            description = "Fail when the runs' average feedback score NAME is below VALUE; repeatable.")
    List<String> minScores = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the checks as JUnit XML to FILE.")
    Path junit;

    @Option(names = "--json", description = "Print the checks as JSON instead of a table.")
    boolean json;

    @Option(names = "--url", defaultValue = "http://localhost:8765", paramLabel = "URL",
            description = "The running tta-obs to ask (default: ${DEFAULT-VALUE}; env TTA_OBS_URL); "
                    + "--data-dir reads the store instead.")
    String url;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "The service's --auth-token (env TTA_OBS_AUTH_TOKEN).")
    String authToken;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "Read the --auth-token from this file.")
    Path authTokenFile;

    @CommandLine.Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Plan plan = plan();
            try (CheckRunSource source = source()) {
                CheckReport report = run(plan, source);
                if (json) {
                    report.printJson(out);
                } else {
                    report.printTable(out);
                }
                if (junit != null) {
                    report.writeJunit(junit);
                }
                return report.passed() ? 0 : FAILED;
            }
        } catch (IllegalArgumentException | StoreUnavailableException | UncheckedIOException e) {
            err.println("tta-obs: " + UserMessages.describe(e));
            return USAGE;
        } catch (IOException e) {
            err.println("tta-obs: " + UserMessages.describe(e));
            return USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("tta-obs: interrupted");
            return USAGE;
        } finally {
            err.flush();
        }
    }

    /** The arguments, checked before anything is opened: a bad one changes nothing. */
    record Plan(CheckThresholds limits, Optional<Instant> since, Optional<Integer> last,
                Optional<Map<String, WorkflowNumbers>> savedBaseline) {
    }

    Plan plan() {
        if ((since == null) == (last == null)) {
            throw new IllegalArgumentException("give the window as --since WHEN (e.g. --since 1h) or --last N, "
                    + "exactly one of them");
        }
        if (last != null && last < 1) {
            throw new IllegalArgumentException("--last must be 1 or more, got " + last);
        }
        CheckThresholds limits = new CheckThresholds(percent(maxLatencyIncrease, "--max-latency-increase"),
                percent(maxCostIncrease, "--max-cost-increase"), percent(maxTokenIncrease, "--max-token-increase"),
                percent(maxErrorRate, "--max-error-rate"), number(maxCostUsd, "--max-cost-usd"), scores(minScores));
        if (!limits.any() && saveBaseline == null) {
            throw new IllegalArgumentException("nothing to check: give a threshold such as --max-latency-increase 20, "
                    + "or --save-baseline FILE");
        }
        if (baselineFile != null && saveBaseline != null
                && baselineFile.toAbsolutePath().normalize().equals(saveBaseline.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--baseline and --save-baseline name the same file; the check would "
                    + "overwrite the baseline it compares with");
        }
        if (workflows.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("--workflow needs a name");
        }
        Optional<Instant> from = Optional.ofNullable(since).map(s -> TimeArguments.instant(s, "--since", Instant.now()));
        Optional<Map<String, WorkflowNumbers>> saved = Optional.ofNullable(baselineFile).map(CheckBaselineFile::read);
        return new Plan(limits, from, Optional.ofNullable(last), saved);
    }

    private boolean local() {
        return storage.dataDir != null || storage.storage.equals("postgres");
    }

    private CheckRunSource source() throws IOException {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed != null && parsed.hasMatchedOption("--url") && parsed.hasMatchedOption("--data-dir")) {
            throw new IllegalArgumentException("give --url (a running tta-obs) or --data-dir (its files), not both");
        }
        if (local()) {
            return LocalCheckRuns.open(storage);
        }
        return new RemoteCheckRuns(new RemoteService(url, Optional.ofNullable(AuthTokenFile.resolve(authToken,
                authTokenFile))));
    }

    CheckReport run(Plan plan, CheckRunSource source) throws IOException, InterruptedException {
        Instant now = Instant.now();
        // with a saved baseline and a time window only the window's runs are needed
        long from = plan.savedBaseline().isPresent() && plan.since().isPresent()
                ? TimeArguments.unixNanos(plan.since().get()) : Long.MIN_VALUE;
        Map<String, List<CheckRun>> byWorkflow = source.runs(from).stream()
                .filter(r -> workflows.isEmpty() || workflows.contains(r.workflow()))
                .sorted(Comparator.comparingLong(CheckRun::startTimeUnixNano).reversed())
                .collect(Collectors.groupingBy(CheckRun::workflow, TreeMap::new, Collectors.toList()));
        String window = plan.since().map(s -> "since " + s.truncatedTo(ChronoUnit.SECONDS)).orElseGet(() -> "in the newest " + plan.last().get()
                + " runs of each workflow");
        String against = baselineFile != null ? "the baseline " + baselineFile : "the runs before them";
        RunGate gate = new RunGate(plan.limits());
        List<CheckReport.WorkflowChecks> checked = new ArrayList<>();
        Map<String, WorkflowNumbers> toSave = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>(workflows);
        names.addAll(byWorkflow.keySet());
        for (String name : names) {
            List<CheckRun> all = byWorkflow.getOrDefault(name, List.of());
            List<CheckRun> current = new ArrayList<>();
            List<CheckRun> before = new ArrayList<>();
            for (CheckRun r : all) {
                boolean inWindow = plan.since().isPresent()
                        ? Long.compareUnsigned(r.startTimeUnixNano(), TimeArguments.unixNanos(plan.since().get())) >= 0
                        : current.size() < plan.last().get();
                (inWindow ? current : before).add(r);
            }
            if (current.isEmpty()) {
                if (workflows.contains(name)) {
                    checked.add(new CheckReport.WorkflowChecks(name, 0, before.size(),
                            List.of(RunGate.noRuns(name, window))));
                }
                continue;
            }
            toSave.put(name, WorkflowNumbers.of(current));
            Optional<WorkflowNumbers> base = plan.savedBaseline().isPresent()
                    ? Optional.ofNullable(plan.savedBaseline().get().get(name))
                    : before.isEmpty() ? Optional.empty() : Optional.of(WorkflowNumbers.of(before));
            Map<String, Double> scores = plan.limits().minScores().isEmpty() ? Map.of() : source.averageScores(current);
            List<CheckResult> results = gate.check(name, base, current, scores);
            checked.add(new CheckReport.WorkflowChecks(name, current.size(), base.map(WorkflowNumbers::runs).orElse(0),
                    results));
        }
        if (checked.isEmpty()) {
            checked.add(new CheckReport.WorkflowChecks("(any workflow)", 0, 0,
                    List.of(RunGate.noRuns("any workflow", window))));
        }
        if (saveBaseline != null) {
            CheckBaselineFile.write(saveBaseline, toSave, window, now);
            spec.commandLine().getErr().println("tta-obs: saved the numbers of " + toSave.size() + " workflow"
                    + (toSave.size() == 1 ? "" : "s") + " to " + saveBaseline.toAbsolutePath());
            if (!plan.limits().any()) {
                checked.replaceAll(w -> w.runs() == 0 ? w
                        : new CheckReport.WorkflowChecks(w.workflow(), w.runs(), w.baselineRuns(), List.of()));
            }
        }
        return new CheckReport(window, against, checked, now);
    }

    private static Optional<Double> percent(String text, String flag) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        return number(t.endsWith("%") ? t.substring(0, t.length() - 1).trim() : t, flag, "a percentage like 20 or 20%");
    }

    private static Optional<Double> number(String text, String flag) {
        return text == null ? Optional.empty() : number(text.trim(), flag, "an amount in US dollars like 0.05");
    }

    private static Optional<Double> number(String t, String flag, String what) {
        try {
            double v = Double.parseDouble(t);
            if (v >= 0 && Double.isFinite(v)) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // the message below names the flag
        }
        throw new IllegalArgumentException(flag + " takes " + what + ", got '" + t + "'");
    }

    private static Map<String, Double> scores(List<String> given) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : given) {
            int eq = g.lastIndexOf('=');
            if (eq <= 0 || eq == g.length() - 1) {
                throw new IllegalArgumentException("--min-score takes NAME=VALUE, e.g. --min-score helpfulness=0.8, got '"
                        + g + "'");
            }
            String name = g.substring(0, eq).trim();
            try {
                double v = Double.parseDouble(g.substring(eq + 1).trim());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                out.put(name, v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--min-score " + name + " needs a number after '=', got '"
                        + g.substring(eq + 1) + "'");
            }
        }
        return out;
    }
}
