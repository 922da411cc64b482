package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.contract.TraceStoreContract;
import dev.tta.obs.ports.out.StoreUnavailableException;
import dev.tta.obs.ports.out.TraceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteTraceStoreTest extends TraceStoreContract {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);
    private final AtomicInteger files = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected TraceStore newStore() {
        return SqliteTraceStore.open(dir.resolve("db-" + files.incrementAndGet() + ".sqlite"), ASSEMBLER);
    }

    @Test
    void data_survivesReopeningTheFile() {
        Path file = dir.resolve("reopen.sqlite");
        try (TraceStore first = SqliteTraceStore.open(file, ASSEMBLER)) {
            first.append(java.util.List.of(new dev.tta.obs.domain.SpanBatch(Fixtures.trace(1, 3, "persisted"))));
        }
        try (TraceStore second = SqliteTraceStore.open(file, ASSEMBLER)) {
            assertThat(second.findTrace(Fixtures.traceId(1)).orElseThrow().spans()).hasSize(3);
        }
    }

    @Test
    void unopenableFile_failsWithTheFileName() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        assertThatThrownBy(() -> SqliteTraceStore.open(notADir.resolve("db.sqlite"), ASSEMBLER))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("plain-file");
    }
}
