import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the Java runtime bundled in tta-obs-&lt;version&gt;-&lt;os&gt;-&lt;arch&gt;.tar.gz: jdeps finds the
 * modules the runnable jar uses, jlink links just those from the JDK running the build. Run by the
 * build (the {@code runtime} profile in app/pom.xml) as a single-file program:
 *
 * <pre>java RuntimeImage.java target/tta-obs-all.jar target/runtime</pre>
 */
public final class RuntimeImage {
    /**
     * Modules reached only through a service or a URI scheme, which jdeps cannot see: Micronaut
     * reads its service entries through the zip file system; TLS to PostgreSQL may need elliptic
     * curves (a module of its own before Java 22).
     */
    private static final List<String> ALSO = List.of("jdk.zipfs", "jdk.crypto.ec");

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java RuntimeImage.java <runnable jar> <output directory>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String release = String.valueOf(Runtime.version().feature());

        String found = run("jdeps", "--print-module-deps", "--ignore-missing-deps", "--multi-release", release,
                jar.toString()).strip();
        Set<String> modules = new LinkedHashSet<>(List.of(found.split(",")));
        for (String module : ALSO) {
            if (ModuleFinder.ofSystem().find(module).isPresent()) {
                modules.add(module);
            }
        }

        delete(out);
        List<String> jlink = new ArrayList<>(List.of("--add-modules", String.join(",", modules),
                "--strip-debug", "--no-man-pages", "--no-header-files",
                // the JDK's default class-data archive: faster starts, and the base that tta-obs's
                // own start-up cache (recorded by the launcher) needs
                "--generate-cds-archive",
                "--output", out.toString()));
        run("jlink", jlink.toArray(String[]::new));
        System.out.println("runtime: Java " + Runtime.version() + " with " + String.join(",", modules) + " in " + out);
    }

    private static String run(String tool, String... args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException(tool + " not found: build with a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = provider.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        if (code != 0) {
            throw new IllegalStateException(tool + " failed (" + code + "): " + err + out);
        }
        return out.toString();
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
