package dev.tta.obs.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running server's claim on its data directory: an OS lock on {@code tta-obs.lock} in it, held
 * while the server runs. A second server on the same directory would write the same files and keep
 * statistics of its own; it refuses to start instead, naming the first one's process and port,
 * which the holder writes into the file. The lock is the operating system's, so it dies with the
 * process, {@code kill -9} included: a lock file left behind means nothing by itself.
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = "tta-obs.lock";
    /**
     * Directories locked by this JVM. An OS lock belongs to the process, and closing any channel to
     * the file releases it, so a check from this same process must not open the file at all.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;

    private DataDirectoryLock(Path key, FileChannel channel) {
        this.key = key;
        this.channel = channel;
    }

    /**
     * Locks {@code dir} (created if missing) for this server.
     *
     * @throws DataDirectoryException when another server holds it
     */
    static DataDirectoryLock acquire(Path dir, int port) throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        Path file = key.resolve(FILE);
        if (Files.exists(key) && !Files.isDirectory(key)) {
            // nothing to lock: opening the store says what is wrong with the path
            return new DataDirectoryLock(key, null);
        }
        if (!HELD.add(key)) {
            throw inUse(key, file);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(key, file);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", port " + port + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            return new DataDirectoryLock(key, channel);
        } catch (java.nio.file.FileSystemException e) {
            HELD.remove(key);
            if (channel != null) {
                channel.close();
            }
            throw new DataDirectoryException("cannot write to the data directory " + key + " (" + reason(e)
                    + "); make it writable, or choose another directory with --data-dir");
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            if (channel != null) {
                channel.close();
            }
            throw e;
        }
    }

    /** Refuses at once when another server holds {@code dir}, before anything opens its files; takes nothing. */
    static void checkFree(Path dir) throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        Path file = key.resolve(FILE);
        if (HELD.contains(key)) {
            throw inUse(key, file);
        }
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw inUse(key, file);
            }
            lock.release();
        }
    }

    private static String reason(java.nio.file.FileSystemException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    private static DataDirectoryException inUse(Path dir, Path file) {
        String holder;
        try {
            holder = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            holder = "";
        }
        return new DataDirectoryException("data directory " + dir + " is in use by another tta-obs ("
                + (holder.isEmpty() ? "see " + file : holder) + "); stop that one first, or choose another directory"
                + " with --data-dir");
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel, or with the process
        } finally {
            HELD.remove(key);
        }
    }

    /** Another server runs on the directory, or it cannot be written; the message is the one line a user reads. */
    static final class DataDirectoryException extends IllegalStateException {
        DataDirectoryException(String message) {
            super(message);
        }
    }
}
