package dev.tta.obs.ports.service;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.ports.out.TraceChanges;
import dev.tta.obs.ports.out.TraceReader;

import java.util.List;

/**
 * Feeds the live feed from a store shared by several processes: the store says which traces any of
 * them changed, and their summaries are read back from it, so each process's subscribers see every
 * process's commits, not only its own. Replaces the group-commit writer's hook as the feed's source.
 */
public final class SharedLiveFeed implements AutoCloseable {
    private final AutoCloseable listening;

    public SharedLiveFeed(TraceChanges changes, TraceReader reader, LiveTraceFeed feed) {
        this.listening = changes.listen((List<TraceId> ids) -> {
            // nobody watching: the summaries need not be read
            if (feed.subscriberCount() > 0 && !ids.isEmpty()) {
                feed.accept(reader.findSummaries(ids));
            }
        });
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (Exception e) {
            // stopping: nothing left to tell anyone
        }
    }
}
