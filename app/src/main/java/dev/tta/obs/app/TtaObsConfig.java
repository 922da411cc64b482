package dev.tta.obs.app;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;

import java.nio.file.Path;

/** The settings the core needs, read from properties the CLI sets (or a test sets directly). */
@Singleton
public class TtaObsConfig {
    private final Path dataDir;
    private final long maxQueuedSpans;
    private final int maxSpansPerCommit;

    public TtaObsConfig(@Property(name = "tta.data-dir") String dataDir,
                        @Property(name = "tta.ingest.max-queued-spans", defaultValue = "200000") long maxQueuedSpans,
                        @Property(name = "tta.ingest.max-spans-per-commit", defaultValue = "20000") int maxSpansPerCommit) {
        this.dataDir = Path.of(dataDir);
        this.maxQueuedSpans = maxQueuedSpans;
        this.maxSpansPerCommit = maxSpansPerCommit;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long maxQueuedSpans() {
        return maxQueuedSpans;
    }

    public int maxSpansPerCommit() {
        return maxSpansPerCommit;
    }
}
