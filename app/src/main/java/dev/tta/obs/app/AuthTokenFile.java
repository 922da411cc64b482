package dev.tta.obs.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * {@code --auth-token-file}: the token read from a file, so that it appears neither in {@code ps}
 * (as {@code --auth-token} does) nor in the environment of every child process.
 */
final class AuthTokenFile {
    private static final Logger LOG = LoggerFactory.getLogger(AuthTokenFile.class);

    private AuthTokenFile() {
    }

    /**
     * The token to use: {@code flagOrEnv} (--auth-token or TTA_OBS_AUTH_TOKEN) or the file's first
     * line; both at once is refused, since the user could not tell which one guards the server.
     */
    static String resolve(String flagOrEnv, Path file) {
        if (file == null) {
            return flagOrEnv;
        }
        if (flagOrEnv != null && !flagOrEnv.isBlank()) {
            throw new IllegalArgumentException("both --auth-token (or TTA_OBS_AUTH_TOKEN) and --auth-token-file are set; "
                    + "keep only one");
        }
        Path abs = file.toAbsolutePath();
        String content;
        try {
            content = Files.readString(abs, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--auth-token-file: no such file " + abs
                    + "; create it with the token on one line (e.g. openssl rand -hex 32 > " + abs + ")");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("--auth-token-file: cannot read " + abs + " (permission denied)");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException("--auth-token-file: " + abs + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("--auth-token-file: cannot read " + abs + " ("
                    + (Files.isDirectory(abs) ? "it is a directory" : e.getMessage()) + ")");
        }
        String token = content.lines().findFirst().orElse("").trim();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--auth-token-file: " + abs + " is empty; put the token on its first line");
        }
        warnIfOthersCanRead(abs);
        return token;
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("--auth-token-file {} can be read by other users; chmod 600 it", file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system (Windows): its ACLs are the user's business
        }
    }
}
