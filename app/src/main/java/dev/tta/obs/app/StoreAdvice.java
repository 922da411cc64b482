package dev.tta.obs.app;

import java.util.Locale;

/**
 * What to do about a store that cannot be opened, added to the store's own message: SQLite's
 * "database disk image is malformed" names the fault, not the way out.
 */
final class StoreAdvice {
    private StoreAdvice() {
    }

    static String withAdvice(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("sqlite_corrupt") || m.contains("sqlite_notadb")) {
            return message + "; the file is damaged or not a tta-obs database: stop tta-obs, move it aside (with its "
                    + "-wal and -shm files) and start again for an empty one, or put back a copy";
        }
        if (m.contains("sqlite_readonly") || m.contains("readonly database")) {
            return message + "; tta-obs cannot write to it: make the file and its directory writable (chmod u+w), "
                    + "or choose another directory with --data-dir";
        }
        if (m.contains("sqlite_cantopen") || m.contains("sqlite_perm") || m.contains("permission denied")) {
            return message + "; check that the directory exists and you can write to it, or choose another with "
                    + "--data-dir";
        }
        if (m.contains("sqlite_full") || m.contains("no space left")) {
            return message + "; the disk is full: free some space, or choose another directory with --data-dir";
        }
        return message;
    }
}
