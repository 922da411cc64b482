package dev.tta.obs.ports.out;

/**
 * The time of day a store stamps on what arrives (retention goes by arrival). A port, so tests
 * can set the clock instead of sleeping for distinct arrival times.
 */
@FunctionalInterface
public interface WallClock {
    long nowUnixNano();

    /** The system's clock, in milliseconds (what {@code System.currentTimeMillis} gives) as nanoseconds. */
    static WallClock system() {
        return () -> System.currentTimeMillis() * 1_000_000L;
    }
}
