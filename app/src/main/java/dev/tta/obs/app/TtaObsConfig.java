package dev.tta.obs.app;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;

import dev.tta.obs.domain.cost.PriceTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The settings the core needs, read from properties the CLI sets (or a test sets directly). */
@Singleton
public class TtaObsConfig {
    private final Path dataDir;
    private final Optional<Path> pricesFile;
    private final long maxQueuedSpans;
    private final int maxSpansPerCommit;

    public TtaObsConfig(@Property(name = "tta.data-dir") String dataDir,
                        @Property(name = "tta.prices", defaultValue = "") String prices,
                        @Property(name = "tta.ingest.max-queued-spans", defaultValue = "200000") long maxQueuedSpans,
                        @Property(name = "tta.ingest.max-spans-per-commit", defaultValue = "20000") int maxSpansPerCommit) {
        this.dataDir = Path.of(dataDir);
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

    public long maxQueuedSpans() {
        return maxQueuedSpans;
    }

    public int maxSpansPerCommit() {
        return maxSpansPerCommit;
    }
}
