package dev.tta.obs.ports.contract;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real file system that fills up: a tmpfs of a few megabytes mounted on a directory (only root
 * may mount). Without root the test is skipped with the reason, unless
 * {@code TTA_OBS_REQUIRE_TMPFS=1} (as in CI) makes that a failure.
 */
public final class SmallDisk implements AutoCloseable {
    public final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    public static SmallDisk mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String how = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
        if (how != null) {
            String why = "cannot mount a tmpfs on " + dir + " (" + how + "; it takes root)";
            if ("1".equals(System.getenv("TTA_OBS_REQUIRE_TMPFS"))) {
                Assertions.fail("TTA_OBS_REQUIRE_TMPFS=1 but " + why);
            }
            Assumptions.abort("Full-disk test skipped: " + why + ". Set TTA_OBS_REQUIRE_TMPFS=1 to make it mandatory.");
        }
        return new SmallDisk(dir);
    }

    /**
     * Makes {@code path} (a file or a directory) read-only for everyone, root included, by
     * bind-mounting it read-only over itself, until the returned handle is closed. Skipped or
     * failed like {@link #mount}.
     */
    public static AutoCloseable readOnly(Path path) throws IOException, InterruptedException {
        String how = run(List.of("mount", "--bind", path.toString(), path.toString()));
        if (how == null) {
            how = run(List.of("mount", "-o", "remount,bind,ro", path.toString()));
            if (how != null) {
                run(List.of("umount", path.toString()));
            }
        }
        if (how != null) {
            String why = "cannot bind-mount " + path + " read-only (" + how + "; it takes root)";
            if ("1".equals(System.getenv("TTA_OBS_REQUIRE_TMPFS"))) {
                Assertions.fail("TTA_OBS_REQUIRE_TMPFS=1 but " + why);
            }
            Assumptions.abort("Read-only test skipped: " + why + ". Set TTA_OBS_REQUIRE_TMPFS=1 to make it mandatory.");
        }
        return () -> run(List.of("umount", path.toString()));
    }

    /** Takes every byte left with a file of its own, to be {@link #free}d; returns how many bytes it took. */
    public long fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            // "No space left on device": the point; a smaller block takes the rest of the last page
            try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
                while (true) {
                    out.write(block, 0, 512);
                    written += 512;
                    out.flush();
                }
            } catch (IOException fullAgain) {
                return written;
            }
        }
    }

    public void free(Path filler) throws IOException {
        Files.deleteIfExists(filler);
    }

    /** The bytes still free. */
    public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("umount", "-l", dir.toString()));
    }

    /** @return null when the command worked, else what it said */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.isEmpty() ? "exit code " + p.exitValue() : out;
    }
}
