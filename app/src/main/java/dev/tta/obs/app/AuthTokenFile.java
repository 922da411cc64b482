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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code --auth-token-file} (and the key files of the other roles): the token read from a file, so
 * that it appears neither in {@code ps} (as {@code --auth-token} does) nor in the environment of
 * every child process.
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
        String token = read(abs, "--auth-token-file").lines().findFirst().orElse("").trim();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--auth-token-file: " + abs + " is empty; put the token on its first line");
        }
        return token;
    }

    /**
     * The keys of a role given as repeated flags ({@code --ingest-token}) and in a file
     * ({@code --ingest-token-file}), one a line, blank lines and {@code #} comments skipped; both
     * forms add up, so a team can keep shared keys in the file and add one on the command line.
     */
    static List<String> keys(List<String> flags, Path file, String fileFlag) {
        List<String> keys = new ArrayList<>();
        flags.stream().map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        if (file != null) {
            Path abs = file.toAbsolutePath();
            int before = keys.size();
            read(abs, fileFlag).lines().map(String::trim).filter(k -> !k.isEmpty() && !k.startsWith("#"))
                    .forEach(keys::add);
            if (keys.size() == before) {
                throw new IllegalArgumentException(fileFlag + ": " + abs + " holds no key; put one key on each line");
            }
        }
        return keys;
    }

    private static String read(Path abs, String flag) {
        String content;
        try {
            content = Files.readString(abs, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(flag + ": no such file " + abs
                    + "; create it with the token on one line (e.g. openssl rand -hex 32 > " + abs + ")");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(flag + ": cannot read " + abs + " (permission denied)");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(flag + ": " + abs + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot read " + abs + " ("
                    + (Files.isDirectory(abs) ? "it is a directory" : e.getMessage()) + ")");
        }
        warnIfOthersCanRead(abs, flag);
        return content;
    }

    private static void warnIfOthersCanRead(Path file, String flag) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{} {} can be read by other users; chmod 600 it", flag, file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system (Windows): its ACLs are the user's business
        }
    }
}
