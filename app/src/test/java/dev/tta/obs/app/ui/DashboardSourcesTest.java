package dev.tta.obs.app.ui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Fast checks on the dashboard's sources that do not need a browser, so they run everywhere. */
class DashboardSourcesTest {
    static final Path UI = Path.of("..", "ui", "src", "main", "resources", "tta-obs-ui");
    static final Pattern HTML_SINKS = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\(|new Function\\(");
    static final Pattern IMPORT = Pattern.compile("from\\s+'(\\./[^']+)'");

    @Test
    void noModuleParsesStringsAsHtml_soTelemetryCannotInjectMarkup() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path js : scripts()) {
            List<String> lines = Files.readAllLines(js);
            for (int i = 0; i < lines.size(); i++) {
                if (HTML_SINKS.matcher(lines.get(i)).find()) {
                    offenders.add(UI.relativize(js) + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void everyImportedModuleExists_elseThePageWouldStayBlank() throws IOException {
        List<Path> scripts = scripts();
        assertThat(scripts).as("dashboard modules").hasSizeGreaterThan(5);
        for (Path js : scripts) {
            Matcher m = IMPORT.matcher(Files.readString(js));
            while (m.find()) {
                assertThat(js.getParent().resolve(m.group(1))).as("imported by " + js.getFileName()).isRegularFile();
            }
        }
        assertThat(Files.readString(UI.resolve("index.html"))).contains("src=\"js/app.js\"");
    }

    @Test
    void modulesImportEachOtherWithoutACycle_soEveryModuleCanBeLoadedAndReadOnItsOwn() throws IOException {
        Map<String, List<String>> imports = new HashMap<>();
        for (Path js : scripts()) {
            List<String> deps = new ArrayList<>();
            Matcher m = IMPORT.matcher(Files.readString(js));
            while (m.find()) {
                deps.add(js.getParent().resolve(m.group(1)).normalize().toString());
            }
            imports.put(js.normalize().toString(), deps);
        }
        List<String> cycles = new ArrayList<>();
        for (String start : imports.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            Set<String> seen = new HashSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : imports.getOrDefault(path.get(path.size() - 1), List.of())) {
                    if (next.equals(start)) {
                        cycles.add(String.join(" -> ", path) + " -> " + next);
                    } else if (seen.add(next)) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.push(longer);
                    }
                }
            }
        }
        assertThat(cycles).isEmpty();
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.walk(UI)) {
            return files.filter(p -> p.toString().endsWith(".js")).sorted().toList();
        }
    }
}
