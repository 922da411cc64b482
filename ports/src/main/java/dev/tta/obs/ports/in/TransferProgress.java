package dev.tta.obs.ports.in;

/** Told as an export or import advances; {@code total} is -1 when it is not known in advance. */
@FunctionalInterface
public interface TransferProgress {
    TransferProgress NONE = (done, total) -> { };

    void advanced(long done, long total);
}
