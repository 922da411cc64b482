package dev.tta.obs.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where a user's data lives by default, following each platform's convention. */
final class DataDirectory {
    private DataDirectory() {
    }

    static Path defaultFor(String osName, Map<String, String> env, String userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String local = env.get("LOCALAPPDATA");
            return (local != null && !local.isBlank() ? Path.of(local) : Path.of(userHome, "AppData", "Local"))
                    .resolve("tta-obs");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return Path.of(userHome, "Library", "Application Support", "tta-obs");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".local", "share")).resolve("tta-obs");
    }

    static Path defaultForThisMachine() {
        return defaultFor(System.getProperty("os.name", ""), System.getenv(), System.getProperty("user.home"));
    }
}
