package dev.tta.obs.domain;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domain is plain Java, and its price and JSON packages stand alone (the root package's rollup
 * uses the price package, so the price package must not reach back, or the packages would cycle).
 */
class DomainDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/tta/obs/domain");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

    @Test
    void domainImportsOnlyTheJdkAndItself() throws IOException {
        assertThat(importsUnder(SOURCES)).isNotEmpty()
                .allSatisfy(i -> assertThat(i).matches("(java|dev\\.tta\\.obs\\.domain)(\\..*)?"));
    }

    @Test
    void costAndJsonPackagesDependOnNoOtherDomainPackage() throws IOException {
        for (String pkg : List.of("cost", "json")) {
            Path dir = SOURCES.resolve(pkg);
            assertThat(dir).isDirectory();
            assertThat(importsUnder(dir)).as(pkg)
                    .allSatisfy(i -> assertThat(i).doesNotStartWith("dev.tta.obs.domain"));
        }
    }

    private static List<String> importsUnder(Path dir) throws IOException {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String imported = m.group(1);
                    // an import of a class in the file's own package tree is fine for the cost/json check
                    if (!imported.startsWith("dev.tta.obs.domain." + dir.getFileName())) {
                        imports.add(imported);
                    }
                }
            }
        }
        return imports;
    }
}
