package dev.tta.obs.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tta.obs.domain.check.WorkflowNumbers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The file of {@code tta-obs check --save-baseline} and {@code --baseline}: each workflow's numbers
 * over the runs it was saved from, so a CI job can compare with a run of the main branch.
 */
final class CheckBaselineFile {
    static final String FORMAT = "tta-obs-check-baseline";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckBaselineFile() {
    }

    static void write(Path file, Map<String, WorkflowNumbers> workflows, String window, Instant savedAt)
            throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("savedAt", savedAt.toString());
        root.put("window", window);
        Map<String, Object> all = new LinkedHashMap<>();
        new TreeMap<>(workflows).forEach((name, n) -> {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("runs", n.runs());
            w.put("failedRuns", n.failedRuns());
            w.put("p50Ms", n.p50Ms());
            w.put("p95Ms", n.p95Ms());
            w.put("p50Tokens", n.p50Tokens());
            w.put("p95Tokens", n.p95Tokens());
            w.put("pricedRuns", n.pricedRuns());
            w.put("p50CostUsd", n.p50CostUsd().orElse(null));
            w.put("p95CostUsd", n.p95CostUsd().orElse(null));
            all.put(name, w);
        });
        root.put("workflows", all);
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--save-baseline: no such directory " + dir);
        }
        // written beside the target and moved, so a failed write leaves the old baseline whole
        Path tmp = Files.createTempFile(dir, ".tta-obs-baseline", ".tmp");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static Map<String, WorkflowNumbers> read(Path file) {
        Path abs = file.toAbsolutePath();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(abs, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--baseline: no such file " + abs
                    + " (write one with tta-obs check --save-baseline FILE)");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--baseline: " + abs + " is not JSON ("
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("--baseline: cannot read " + abs + " ("
                    + (Files.isDirectory(abs) ? "it is a directory" : e.getMessage()) + ")");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException("--baseline: " + abs + " is not a tta-obs check baseline "
                    + "(no \"format\": \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("--baseline: " + abs + " is version " + root.path("version")
                    + " of the baseline format; this tta-obs reads version " + VERSION);
        }
        Map<String, WorkflowNumbers> out = new TreeMap<>();
        JsonNode all = root.path("workflows");
        if (!all.isObject()) {
            throw new IllegalArgumentException("--baseline: " + abs + " has no \"workflows\" object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode w = e.getValue();
            try {
                out.put(e.getKey(), new WorkflowNumbers(count(w, "runs"), count(w, "failedRuns"), number(w, "p50Ms"),
                        number(w, "p95Ms"), number(w, "p50Tokens"), number(w, "p95Tokens"), count(w, "pricedRuns"),
                        optional(w, "p50CostUsd"), optional(w, "p95CostUsd")));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("--baseline: " + abs + ", workflow '" + e.getKey() + "': "
                        + bad.getMessage());
            }
        }
        return out;
    }

    private static int count(JsonNode w, String field) {
        JsonNode v = w.path(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number");
        }
        return v.asInt();
    }

    private static double number(JsonNode w, String field) {
        JsonNode v = w.path(field);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number");
        }
        return v.asDouble();
    }

    private static Optional<Double> optional(JsonNode w, String field) {
        JsonNode v = w.path(field);
        return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(number(w, field));
    }
}
