package dev.tta.obs.app;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When each start-up phase ended, in milliseconds since the launcher began, printed after the ready
 * line when TTA_OBS_STARTUP_PROFILE is set (bench/startup.sh reads it). Off otherwise: then
 * {@link #mark} costs a field read.
 */
final class StartupProfile {
    private static final boolean ON = System.getenv("TTA_OBS_STARTUP_PROFILE") != null;
    private static final Map<String, Long> MARKS = new LinkedHashMap<>();
    /** The process's CPU time (all threads: JIT, GC) by each mark; on a busy machine it varies less than the wall time. */
    private static final Map<String, Long> CPU = new LinkedHashMap<>();
    private static long launchedMicros;

    private StartupProfile() {
    }

    /** Records that {@code phase} has just ended; the first mark of a name wins. */
    static void mark(String phase) {
        if (!ON) {
            return;
        }
        long now = micros(Instant.now());
        synchronized (MARKS) {
            if (MARKS.isEmpty()) {
                launchedMicros = launched().orElse(now);
                // the launcher's own time: the bash script up to its `exec java`
                epochMicros(System.getenv("TTA_OBS_EXEC_AT")).ifPresent(exec -> MARKS.put("launcher", exec));
            }
            if (MARKS.putIfAbsent(phase, now) == null) {
                CPU.put(phase, ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L));
            }
        }
    }

    static void print(PrintStream err) {
        if (!ON) {
            return;
        }
        StringBuilder line = new StringBuilder("startup profile (ms since launch): ");
        synchronized (MARKS) {
            MARKS.forEach((phase, at) -> line.append(phase).append('=')
                    .append((at - launchedMicros) / 1000).append(", "));
        }
        line.setLength(line.length() - 2);
        err.println(line);
        StringBuilder cpu = new StringBuilder("startup cpu (ms used by then): ");
        synchronized (MARKS) {
            CPU.forEach((phase, ms) -> cpu.append(phase).append('=').append(ms).append(", "));
        }
        cpu.setLength(cpu.length() - 2);
        err.println(cpu);
        err.flush();
    }

    /** The launcher's start; without the launcher (java -jar), the process's start as the OS records it. */
    private static Optional<Long> launched() {
        return epochMicros(System.getenv("TTA_OBS_LAUNCHED_AT"))
                .or(() -> ProcessHandle.current().info().startInstant().map(StartupProfile::micros));
    }

    /** bash's $EPOCHREALTIME: seconds since the epoch with six decimals (a comma in some locales). */
    private static Optional<Long> epochMicros(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.replace(".", "").replace(",", "").trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }
}
