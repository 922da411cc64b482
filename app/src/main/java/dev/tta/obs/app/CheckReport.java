package dev.tta.obs.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tta.obs.domain.check.CheckResult;
import dev.tta.obs.domain.check.CheckResult.Unit;
import dev.tta.obs.domain.check.CheckResult.Verdict;
import dev.tta.obs.domain.check.RunGate;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What `tta-obs check` found, as a table for people, JSON for scripts and JUnit XML for CI. */
final class CheckReport {
    /** One workflow's checks, with how many runs each side had. */
    record WorkflowChecks(String workflow, int runs, int baselineRuns, List<CheckResult> results) {
    }

    private final String window;
    private final String baseline;
    private final List<WorkflowChecks> workflows;
    private final Instant at;

    CheckReport(String window, String baseline, List<WorkflowChecks> workflows, Instant at) {
        this.window = window;
        this.baseline = baseline;
        this.workflows = List.copyOf(workflows);
        this.at = at;
    }

    List<CheckResult> results() {
        return workflows.stream().flatMap(w -> w.results().stream()).toList();
    }

    boolean passed() {
        return results().stream().noneMatch(CheckResult::failed);
    }

    private long count(Verdict v) {
        return results().stream().filter(r -> r.verdict() == v).count();
    }

    void printTable(PrintWriter out) {
        int runs = workflows.stream().mapToInt(WorkflowChecks::runs).sum();
        out.println("tta-obs check: " + runs + " runs of " + workflows.size() + " workflow"
                + (workflows.size() == 1 ? "" : "s") + " " + window + ", against " + baseline);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"WORKFLOW", "CHECK", "BASELINE", "CURRENT", "CHANGE", "LIMIT", "RESULT", "WHY"});
        for (WorkflowChecks w : workflows) {
            for (CheckResult r : w.results()) {
                rows.add(new String[]{w.workflow(), r.check(), r.baseline().map(v -> value(r.unit(), v)).orElse("-"),
                        r.current().map(v -> value(r.unit(), v)).orElse("-"), change(r), limit(r),
                        r.verdict().name(), r.reason()});
            }
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                b.append(row[i]);
                if (i < row.length - 1) {
                    b.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
        long failed = count(Verdict.FAIL);
        long skipped = count(Verdict.SKIP);
        int total = results().size();
        out.println(failed > 0
                ? "FAILED: " + failed + " of " + total + " checks failed" + (skipped > 0 ? ", " + skipped + " skipped" : "")
                : "PASSED: " + (total - skipped) + " of " + total + " checks passed" + (skipped > 0 ? ", " + skipped
                        + " skipped" : ""));
        out.flush();
    }

    private static String value(Unit unit, double v) {
        return RunGate.format(unit, v);
    }

    private static String change(CheckResult r) {
        if (r.changePercent().isPresent()) {
            double c = r.changePercent().get();
            return (c >= 0 ? "+" : "-") + RunGate.percent(Math.abs(c));
        }
        return r.baseline().isPresent() && r.unit() != Unit.PERCENT && r.current().isPresent() ? "new" : "-";
    }

    private static String limit(CheckResult r) {
        if (r.check().startsWith("latency") || r.check().startsWith("cost p") || r.check().startsWith("tokens")) {
            return "+" + RunGate.percent(r.limit());
        }
        return switch (r.unit()) {
            case PERCENT -> "≤ " + RunGate.percent(r.limit());
            case USD -> "≤ " + RunGate.format(Unit.USD, r.limit());
            case SCORE -> "≥ " + RunGate.format(Unit.SCORE, r.limit());
            case RUNS -> "≥ 1";
            default -> RunGate.format(r.unit(), r.limit());
        };
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", passed());
        m.put("window", window);
        m.put("baseline", baseline);
        m.put("checks", results().size());
        m.put("failures", count(Verdict.FAIL));
        m.put("skipped", count(Verdict.SKIP));
        List<Object> ws = new ArrayList<>();
        for (WorkflowChecks w : workflows) {
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("workflow", w.workflow());
            wm.put("runs", w.runs());
            wm.put("baselineRuns", w.baselineRuns());
            List<Object> checks = new ArrayList<>();
            for (CheckResult r : w.results()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("check", r.check());
                c.put("unit", r.unit().name().toLowerCase(java.util.Locale.ROOT));
                c.put("baseline", r.baseline().orElse(null));
                c.put("current", r.current().orElse(null));
                c.put("changePercent", r.changePercent().orElse(null));
                c.put("limit", r.limit());
                c.put("result", r.verdict().name());
                c.put("reason", r.reason());
                checks.add(c);
            }
            wm.put("checks", checks);
            ws.add(wm);
        }
        m.put("workflows", ws);
        return m;
    }

    void printJson(PrintWriter out) throws IOException {
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json()));
        out.flush();
    }

    /**
     * JUnit XML as Jenkins, GitLab, Azure DevOps and the GitHub test-report actions read it: a
     * suite per workflow, a test case per check, a failed check as a {@code failure} whose message
     * is the reason, a skipped one as {@code skipped}.
     */
    void writeJunit(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, ".tta-obs-junit", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
                x.writeStartDocument("UTF-8", "1.0");
                x.writeCharacters("\n");
                x.writeStartElement("testsuites");
                x.writeAttribute("name", "tta-obs check");
                counts(x, results());
                x.writeCharacters("\n");
                for (WorkflowChecks w : workflows) {
                    x.writeCharacters("  ");
                    x.writeStartElement("testsuite");
                    x.writeAttribute("name", xml("tta-obs check: " + w.workflow()));
                    counts(x, w.results());
                    x.writeAttribute("timestamp", at.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", ""));
                    x.writeCharacters("\n");
                    for (CheckResult r : w.results()) {
                        x.writeCharacters("    ");
                        x.writeStartElement("testcase");
                        x.writeAttribute("classname", xml("tta-obs.check." + w.workflow()));
                        x.writeAttribute("name", xml(w.workflow() + ": " + r.check()));
                        x.writeAttribute("time", "0");
                        if (r.verdict() == Verdict.FAIL) {
                            x.writeStartElement("failure");
                            x.writeAttribute("message", xml(r.reason()));
                            x.writeAttribute("type", "threshold");
                            x.writeCharacters(xml(details(w, r)));
                            x.writeEndElement();
                        } else if (r.verdict() == Verdict.SKIP) {
                            x.writeEmptyElement("skipped");
                            x.writeAttribute("message", xml(r.reason()));
                        } else {
                            x.writeStartElement("system-out");
                            x.writeCharacters(xml(r.reason()));
                            x.writeEndElement();
                        }
                        x.writeEndElement();
                        x.writeCharacters("\n");
                    }
                    x.writeCharacters("  ");
                    x.writeEndElement();
                    x.writeCharacters("\n");
                }
                x.writeEndElement();
                x.writeCharacters("\n");
                x.writeEndDocument();
                x.close();
            } catch (XMLStreamException e) {
                throw new IOException("cannot write " + abs + ": " + e.getMessage(), e);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void counts(XMLStreamWriter x, List<CheckResult> results) throws XMLStreamException {
        x.writeAttribute("tests", String.valueOf(results.size()));
        x.writeAttribute("failures", String.valueOf(results.stream().filter(CheckResult::failed).count()));
        x.writeAttribute("errors", "0");
        x.writeAttribute("skipped", String.valueOf(results.stream().filter(r -> r.verdict() == Verdict.SKIP).count()));
        x.writeAttribute("time", "0");
    }

    private String details(WorkflowChecks w, CheckResult r) {
        return r.reason() + "\n"
                + "workflow: " + w.workflow() + " (" + w.runs() + " runs " + window + ", " + w.baselineRuns()
                + " baseline runs)\n"
                + "baseline: " + r.baseline().map(v -> value(r.unit(), v)).orElse("-") + " (" + baseline + ")\n"
                + "current:  " + r.current().map(v -> value(r.unit(), v)).orElse("-") + "\n"
                + "change:   " + change(r) + "\n"
                + "limit:    " + limit(r) + "\n";
    }

    /** Span and workflow names are the application's text: drop what XML 1.0 cannot carry. */
    static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            b.appendCodePoint(ok ? c : '?');
        });
        return b.toString();
    }
}
