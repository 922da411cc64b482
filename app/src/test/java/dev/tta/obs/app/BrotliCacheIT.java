package dev.tta.obs.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Brotli encoder's native library as the packaged jar handles it, started as the launcher
 * starts it (a cache directory in {@code -Dtta.cache-dir}) with a temporary directory of its own:
 * extracted once into the cache, shared by processes, never copied into the temporary directory,
 * and gzip when the cache cannot hold it.
 */
class BrotliCacheIT {
    private static final Path JAR = Path.of("target", "tta-obs-all.jar").toAbsolutePath();
    /** Big enough to be compressed (the threshold is 1 KB). */
    private static final String PAGE = "/js/trace.js";

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    private record Started(Process process, int port, Path tmpDir) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    private Started start(String name, Path cache) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run this test through `./mvnw verify`");
        }
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path tmpDir = Files.createDirectories(dir.resolve("tmp"));
        int port = RunningService.freePort();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Djava.io.tmpdir=" + tmpDir, "-Dtta.cache-dir=" + cache, "-jar", JAR.toString(), "start",
                "--port=" + port, "--otlp-http-port=0", "--otlp-grpc-port=0", "--data-dir=" + dir.resolve("data"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        started.add(p);
        return new Started(p, port, tmpDir);
    }

    private void awaitHealthy(Started s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(s.process().isAlive()).as("tta-obs exited early").isTrue();
            try {
                if (get(s, "/api/health", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("tta-obs did not become healthy in 90 s");
    }

    private HttpResponse<byte[]> get(Started s, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(s.url(path))).timeout(Duration.ofSeconds(20));
        if (acceptEncoding != null) {
            r.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Asks for br and checks the answer decodes to the page; returns its Content-Encoding. */
    private String encodingOfAnswer(Started s, Path cachedLibrary) throws Exception {
        byte[] plain = get(s, PAGE, null).body();
        HttpResponse<byte[]> r = get(s, PAGE, "br, gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        String encoding = r.headers().firstValue("Content-Encoding").orElse("identity");
        byte[] decoded;
        if (encoding.equals("br")) {
            // this JVM's decoder loads the library tta-obs extracted, so the test leaves no copy either
            if (System.getProperty(BrotliNativeLibrary.LIB_PATH) == null) {
                System.setProperty(BrotliNativeLibrary.LIB_PATH, cachedLibrary.toString());
            }
            com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
            decoded = com.aayushatharva.brotli4j.decoder.Decoder.decompress(r.body()).getDecompressedData();
        } else {
            assertThat(encoding).isEqualTo("gzip");
            decoded = new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
        }
        assertThat(decoded).isEqualTo(plain);
        return encoding;
    }

    private static List<Path> brotliFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).contains("brotli")).toList();
        }
    }

    @Test
    void twoProcessesShareOneExtractedLibrary_aThirdReusesIt_andNoneLeavesACopyBehind() throws Exception {
        Path cache = tmp.resolve("cache");
        Path nativeDir = cache.resolve("native");
        // started together on an empty cache: both extract, one file results
        Started a = start("a", cache);
        Started b = start("b", cache);
        awaitHealthy(a);
        awaitHealthy(b);
        Path library = nativeDir.resolve(System.mapLibraryName("brotli4j-1.18.0-" + BrotliNativeLibrary.platform()));
        assertThat(encodingOfAnswer(a, library)).isEqualTo("br");
        assertThat(encodingOfAnswer(b, library)).isEqualTo("br");
        try (Stream<Path> files = Files.list(nativeDir)) {
            assertThat(files.filter(f -> !f.getFileName().toString().startsWith("sqlitejdbc-")).toList())
                    .as("one library, no half-written part").containsExactly(library);
        }
        // killed, as `kill -9` does: nothing is cleaned up at exit
        a.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        b.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        assertThat(brotliFiles(a.tmpDir())).isEmpty();
        assertThat(brotliFiles(b.tmpDir())).isEmpty();

        BasicFileAttributes before = Files.readAttributes(library, BasicFileAttributes.class);
        Started c = start("c", cache);
        awaitHealthy(c);
        assertThat(encodingOfAnswer(c, library)).isEqualTo("br");
        BasicFileAttributes after = Files.readAttributes(library, BasicFileAttributes.class);
        assertThat(after.fileKey()).as("the same file, not extracted again").isEqualTo(before.fileKey());
        assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
        c.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        assertThat(brotliFiles(c.tmpDir())).isEmpty();
    }

    @Test
    void aCacheThatCannotHoldTheLibrary_meansGzip_neverAFailedRequestOrACopyInTheTemporaryDirectory() throws Exception {
        // a file where the cache directory should be: nothing can be extracted under it
        Path cache = Files.writeString(tmp.resolve("not-a-directory"), "");
        Started s = start("s", cache);
        awaitHealthy(s);
        assertThat(encodingOfAnswer(s, cache)).isEqualTo("gzip");
        assertThat(encodingOfAnswer(s, cache)).isEqualTo("gzip");
        s.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        assertThat(brotliFiles(s.tmpDir())).isEmpty();
    }
}
