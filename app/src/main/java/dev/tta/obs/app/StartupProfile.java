package dev.tta.obs.app;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When each start-up phase ended, in milliseconds since the launcher began, printed after the ready
 * line when TTA_OBS_STARTUP_PROFILE is set (bench/startup.sh reads it). Off otherwise: then
 * {@link #mark} costs a field read.
 *
 * <p>A mark must cost next to nothing, or the profile measures itself: it takes the time and the
 * process's CPU time from {@code /proc/self/stat} (one small read), and leaves everything else
 * (the launch time, {@link ProcessHandle}, which reads several files, and formatting) to
 * {@link #print}.
 */
final class StartupProfile {
    private static final boolean ON = System.getenv("TTA_OBS_STARTUP_PROFILE") != null;
    /** Linux's user-space clock tick, which /proc reports times in; fixed at 100 on the platforms it runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;
    private static final List<String> PHASES = new ArrayList<>();
    private static final List<Long> AT_MICROS = new ArrayList<>();
    /** The process's CPU time (all threads: JIT, GC) by each mark; on a busy machine it varies less than the wall time. */
    private static final List<Long> CPU_MILLIS = new ArrayList<>();

    private StartupProfile() {
    }

    /** Records that {@code phase} has just ended; the first mark of a name wins. */
    static void mark(String phase) {
        if (!ON) {
            return;
        }
        long now = micros(Instant.now());
        long cpu = cpuMillis();
        synchronized (PHASES) {
            if (!PHASES.contains(phase)) {
                PHASES.add(phase);
                AT_MICROS.add(now);
                CPU_MILLIS.add(cpu);
            }
        }
    }

    static void print(PrintStream err) {
        if (!ON) {
            return;
        }
        StringBuilder line = new StringBuilder("startup profile (ms since launch): ");
        StringBuilder cpu = new StringBuilder("startup cpu (ms used by then): ");
        synchronized (PHASES) {
            if (PHASES.isEmpty()) {
                return;
            }
            long launched = launchedMicros(AT_MICROS.get(0));
            // the launcher's own time: the bash script up to its `exec java`
            long exec = epochMicros(System.getenv("TTA_OBS_EXEC_AT"));
            if (exec > 0) {
                line.append("launcher=").append((exec - launched) / 1000).append(", ");
            }
            for (int i = 0; i < PHASES.size(); i++) {
                line.append(PHASES.get(i)).append('=').append((AT_MICROS.get(i) - launched) / 1000).append(", ");
                cpu.append(PHASES.get(i)).append('=').append(CPU_MILLIS.get(i)).append(", ");
            }
        }
        line.setLength(line.length() - 2);
        cpu.setLength(cpu.length() - 2);
        err.println(line);
        err.println(cpu);
        err.flush();
    }

    /**
     * The launcher's start; without the launcher (java -jar), the process's start as the OS records
     * it, else the first mark.
     */
    private static long launchedMicros(long firstMark) {
        long launcher = epochMicros(System.getenv("TTA_OBS_LAUNCHED_AT"));
        if (launcher > 0) {
            return launcher;
        }
        return ProcessHandle.current().info().startInstant().map(StartupProfile::micros).orElse(firstMark);
    }

    /** User and system time of all the process's threads, from /proc; elsewhere through {@link ProcessHandle}. */
    private static long cpuMillis() {
        try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
            String stat = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            // the command name in parentheses may hold spaces; utime and stime are the 12th and 13th
            // fields after it
            int at = stat.lastIndexOf(')') + 2;
            long ticks = 0;
            for (int field = 1; field <= 13; field++) {
                int end = stat.indexOf(' ', at);
                if (field >= 12) {
                    ticks += Long.parseLong(stat.substring(at, end));
                }
                at = end + 1;
            }
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        }
    }

    /** bash's $EPOCHREALTIME: seconds since the epoch with six decimals (a comma in some locales); 0 if unset. */
    private static long epochMicros(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(value.replace(".", "").replace(",", "").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }
}
