package dev.tta.obs.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two builds of tta-obs's ingest path in one JVM, alternating 300 ms blocks between them,
 * and prints the median ratio. On a shared two-core VM whose speed drifts a lot within minutes,
 * two benchmark runs a minute apart do not compare; blocks side by side in one process see the same
 * host. Each build is loaded by its own class loader (tta-obs's classes only; libraries are shared),
 * and each runs {@link IngestPathRunner}: the protobuf decoding alone, decoding and the SQLite
 * store's {@code prepare}, or the store's {@code write} (the single writer's CPU time, with both
 * stores growing in step).
 *
 * <pre>bench/side-by-side.sh REV            # REV against the working tree</pre>
 * <pre>java -cp ... dev.tta.obs.bench.SideBySideBench BASE_CLASSES NEW_CLASSES [decode|prepare|write] [blocks]</pre>
 * (each CLASSES a colon-separated list of directories or jars holding tta-obs's classes)
 */
public final class SideBySideBench {
    private static final long BLOCK_NANOS = 300_000_000L;
    /**
     * Write blocks are counted in commits, not time, so that both stores hold the same spans at
     * every block: a store's write cost grows with its size.
     */
    private static final int WRITE_COMMITS = 20;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SideBySideBench BASE_CLASSES NEW_CLASSES [decode|prepare|write] [blocks]");
            System.exit(2);
        }
        String stage = args.length > 2 ? args[2] : "prepare";
        if (!List.of("decode", "prepare", "write").contains(stage)) {
            System.err.println("stage must be decode, prepare or write, got '" + stage + "'");
            System.exit(2);
        }
        int blocks = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Method[] run = new Method[2];
        Object[] runners = new Object[2];
        for (int b = 0; b < 2; b++) {
            ClassLoader loader = new OwnClassesFirst(urls(args[b]), SideBySideBench.class.getClassLoader());
            Class<?> c = loader.loadClass(IngestPathRunner.class.getName());
            runners[b] = c.getConstructor().newInstance();
            run[b] = stage.equals("write") ? c.getMethod("writeCpuNanosPerSpan", int.class)
                    : c.getMethod("nanosPerSpan", long.class, boolean.class);
        }
        boolean prepare = stage.equals("prepare");
        boolean write = stage.equals("write");
        List<double[]> results = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            double[] r = new double[2];
            // the order alternates, so neither build always runs right after a collection of the other's garbage
            for (int k = 0; k < 2; k++) {
                int b = (i + k) % 2;
                r[b] = (double) (write ? run[b].invoke(runners[b], WRITE_COMMITS)
                        : run[b].invoke(runners[b], BLOCK_NANOS, prepare));
            }
            // the first fifth warms both up (JIT) and is not counted
            if (i >= blocks / 5) {
                results.add(r);
            }
        }
        double[] base = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] now = results.stream().mapToDouble(r -> r[1]).sorted().toArray();
        double[] ratio = results.stream().mapToDouble(r -> r[1] / r[0]).sorted().toArray();
        System.out.printf("%s, %d blocks of %s each: base %.0f ns/span, new %.0f ns/span (medians); "
                        + "new/base median %.3f (quartiles %.3f-%.3f)%n",
                write ? "writer CPU" : prepare ? "decode + prepare" : "decode", results.size(),
                write ? WRITE_COMMITS + " commits of 1,000 spans" : BLOCK_NANOS / 1_000_000 + " ms",
                median(base), median(now), median(ratio),
                ratio[ratio.length / 4], ratio[3 * ratio.length / 4]);
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static URL[] urls(String classpath) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String p : classpath.split(":")) {
            if (!p.isBlank()) {
                urls.add(Path.of(p).toUri().toURL());
            }
        }
        // the runner itself, next to this class, loaded again by each build's loader
        urls.add(SideBySideBench.class.getProtectionDomain().getCodeSource().getLocation());
        return urls.toArray(URL[]::new);
    }

    /** Loads tta-obs's own classes from its URLs first, everything else from the parent. */
    private static final class OwnClassesFirst extends URLClassLoader {
        OwnClassesFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("dev.tta.obs.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = null;
                    }
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }
}
