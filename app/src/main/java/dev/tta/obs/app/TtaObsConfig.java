package dev.tta.obs.app;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;

import dev.tta.obs.domain.cost.PriceTable;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Optional;

/** The settings the core needs, read from properties the CLI sets (or a test sets directly). */
@Singleton
public class TtaObsConfig {
    private final Path dataDir;
    private final Optional<Path> pricesFile;
    private final long maxTraces;
    private final Duration retention;
    private final Duration retentionEvery;
    private final long maxQueuedSpans;
    private final int maxSpansPerCommit;

    public TtaObsConfig(@Property(name = "tta.data-dir") String dataDir,
                        @Property(name = "tta.prices", defaultValue = "") String prices,
                        @Property(name = "tta.retention.max-traces", defaultValue = "1000") long maxTraces,
                        @Property(name = "tta.retention.max-age", defaultValue = "24h") String retention,
                        @Property(name = "tta.retention.every", defaultValue = "5s") String retentionEvery,
                        @Property(name = "tta.ingest.max-queued-spans", defaultValue = "50000") long maxQueuedSpans,
                        @Property(name = "tta.ingest.max-spans-per-commit", defaultValue = "20000") int maxSpansPerCommit) {
        this.dataDir = Path.of(dataDir);
        this.maxTraces = maxTraces;
        this.retention = TimeArguments.duration(retention, "--retention");
        this.retentionEvery = TimeArguments.duration(retentionEvery, "tta.retention.every");
        this.pricesFile = prices.isBlank() ? defaultPrices(this.dataDir) : Optional.of(Path.of(prices));
        this.maxQueuedSpans = maxQueuedSpans;
        this.maxSpansPerCommit = maxSpansPerCommit;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A user price file laid over the bundled table: --prices, else {@code <data-dir>/prices.tsv} if present. */
    public Optional<Path> pricesFile() {
        return pricesFile;
    }

    private static Optional<Path> defaultPrices(Path dataDir) {
        Path file = dataDir.resolve(PriceTable.FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Newest traces kept; 0 keeps any number. */
    public long maxTraces() {
        return maxTraces;
    }

    /** How long a trace is kept after its last span arrived; zero keeps it forever. */
    public Duration retention() {
        return retention;
    }

    public Duration retentionEvery() {
        return retentionEvery.isZero() ? Duration.ofSeconds(5) : retentionEvery;
    }

    public long maxQueuedSpans() {
        return maxQueuedSpans;
    }

    public int maxSpansPerCommit() {
        return maxSpansPerCommit;
    }
}
