package dev.tta.obs.ports.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Files made from resources on the class path, such as the native libraries kept in the cache directory. */
public final class ResourceFiles {
    private ResourceFiles() {
    }

    /**
     * Writes {@code owner}'s resource to a file of its own, then renames it: a reader never sees half
     * a library, and two processes extracting at once both end with a whole one.
     *
     * @return false when there is no such resource
     */
    public static boolean extract(Class<?> owner, String resource, Path file) throws IOException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // another tta-obs put it there first (on Windows a loaded library cannot be replaced)
                    if (!Files.isRegularFile(file)) {
                        throw e;
                    }
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
    }
}
