package dev.tta.obs.app;

import dev.tta.obs.ports.io.ResourceFiles;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.HttpCompressionStrategy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Keeps brotli4j's native library, the Brotli encoder behind {@code br} responses, extracted once
 * per version in the cache directory. Left to itself, brotli4j copies the library into a new
 * directory of {@code java.io.tmpdir} in every process that loads it and removes it only at a clean
 * exit, so every killed process leaves a megabyte behind.
 */
final class BrotliNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(BrotliNativeLibrary.class);
    /** Read by brotli4j's loader before it tries any other place, the temporary directory last. */
    static final String LIB_PATH = "brotli4j.library.path";
    private static final String POM = "/META-INF/maven/com.aayushatharva.brotli4j/brotli4j/pom.properties";

    private BrotliNativeLibrary() {
    }

    /**
     * Points brotli4j at the library in {@code cacheDir}, extracting it there first when it is not
     * there whole. Must run before brotli4j loads (Netty asks it on the first HTTP connection).
     * brotli4j then loads only from {@code cacheDir}: when the library cannot be put there (a
     * read-only directory, a machine brotli4j has no library for) it fails to load it, and Netty
     * compresses with gzip instead, as it does wherever Brotli is unavailable. Does nothing when the
     * user chose a library with {@code brotli4j.library.path}.
     *
     * @return the library file, when it is in place
     */
    static Optional<Path> useCache(Path cacheDir) {
        if (System.getProperty(LIB_PATH) != null) {
            return Optional.empty();
        }
        String platform = platform();
        String resource = "/lib/" + platform + "/" + System.mapLibraryName("brotli");
        URL url = BrotliNativeLibrary.class.getResource(resource);
        String name = System.mapLibraryName("brotli4j-" + version().orElse("unknown") + "-" + platform);
        Path file = cacheDir.resolve(name).toAbsolutePath();
        System.setProperty(LIB_PATH, file.toString());
        if (url == null) {
            LOG.debug("no Brotli library for {} in the jar: responses are compressed with gzip", platform);
            return Optional.empty();
        }
        try {
            long size = url.openConnection().getContentLengthLong();
            // a file cut short (a full disk) is written again; a whole one is used as it is
            if (!(Files.isRegularFile(file) && Files.size(file) == size)) {
                ResourceFiles.extract(BrotliNativeLibrary.class, resource, file);
            }
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not keep the Brotli library in {}: responses are compressed with gzip", cacheDir, e);
            return Optional.empty();
        }
    }

    /** brotli4j's name for this machine, as its loader (1.18.0) forms it; "unsupported-..." for others. */
    static String platform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.equalsIgnoreCase("Linux")) {
            switch (arch) {
                case "amd64": return "linux-x86_64";
                case "aarch64": return "linux-aarch64";
                case "arm": return "linux-armv7";
                case "s390x": return "linux-s390x";
                case "ppc64le": return "linux-ppc64le";
                case "riscv64": return "linux-riscv64";
                default: break;
            }
        } else if (os.startsWith("Windows")) {
            if (arch.equals("amd64")) {
                return "windows-x86_64";
            }
            if (arch.equals("aarch64")) {
                return "windows-aarch64";
            }
        } else if (os.startsWith("Mac")) {
            if (arch.equals("x86_64")) {
                return "osx-x86_64";
            }
            if (arch.equals("aarch64")) {
                return "osx-aarch64";
            }
        }
        return "unsupported-" + os.replaceAll("[^A-Za-z0-9]", "") + "-" + arch;
    }

    /**
     * Runs {@link #useCache} when the server's compression settings are made: before its first
     * connection, where Netty first asks whether Brotli loads. Without a cache directory (no
     * launcher: {@code java -jar}, tests) brotli4j keeps its own way.
     */
    @Singleton
    static final class BeforeCompression implements BeanCreatedEventListener<HttpCompressionStrategy> {
        @Override
        public HttpCompressionStrategy onCreated(BeanCreatedEvent<HttpCompressionStrategy> event) {
            CacheDirectory.current().ifPresent(dir -> useCache(dir.resolve("native")));
            return event.getBean();
        }
    }

    /** brotli4j's version, so another version's library in the cache is never loaded. */
    private static Optional<String> version() {
        try (InputStream in = BrotliNativeLibrary.class.getResourceAsStream(POM)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            return Optional.ofNullable(p.getProperty("version"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
