package dev.tta.obs.ports.out;

import dev.tta.obs.domain.TraceId;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a store shared by several processes tells each of them: which traces any of them changed,
 * once the change committed. A process feeds its live view from this instead of from its own
 * writes, so every process sees every change.
 */
public interface TraceChanges {
    /**
     * Calls {@code changed} (on a thread of the store's) with the ids of the traces of each commit,
     * from this process and the others, until the returned handle is closed. A lost connection is
     * reopened by itself.
     */
    AutoCloseable listen(Consumer<List<TraceId>> changed);
}
