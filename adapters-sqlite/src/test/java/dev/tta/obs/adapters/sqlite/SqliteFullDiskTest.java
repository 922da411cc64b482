package dev.tta.obs.adapters.sqlite;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanBatch;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.contract.SmallDisk;
import dev.tta.obs.ports.out.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The store on a file system that fills up, for real (a small tmpfs), and gets room again. */
@org.junit.jupiter.api.Tag("faults")
class SqliteFullDiskTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(Fixtures.ROLLUPS);

    @TempDir
    Path dir;

    @Test
    void aFullDisk_failsWholeWrites_andWritesWorkAgainOnceThereIsRoom() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 8)) {
            Path filler = disk.dir.resolve("filler");
            List<Integer> stored = new ArrayList<>();
            List<Integer> refused = new ArrayList<>();
            try (SqliteTraceStore store = SqliteTraceStore.open(disk.dir.resolve("tta-obs.sqlite"), ASSEMBLER)) {
                write(store, 1);
                stored.add(1);
                disk.fill(filler);
                for (int t = 2; t < 60 && refused.size() < 3; t++) {
                    try {
                        write(store, t);
                        stored.add(t);
                    } catch (StoreUnavailableException e) {
                        assertThat(e.getMessage()).contains("full");
                        refused.add(t);
                    }
                }
                assertThat(refused).as("writes with no room left").isNotEmpty();
                assertThat(store.writeFailure()).get().asString().contains("full");
                store.evict(Long.MAX_VALUE, java.util.Optional.empty(), 100);
                assertThat(store.writeFailure()).as("a commit that wrote nothing proves nothing").isPresent();

                disk.free(filler);
                for (int t = 100; t < 105; t++) {
                    write(store, t);
                    stored.add(t);
                }
                // the search index writes its rows on its own thread after the commit, so its
                // failure clears when it has written the new rows, a moment after the writes return
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                while (store.writeFailure().isPresent() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(store.writeFailure()).as("a write worked").isEmpty();
                for (int t : stored) {
                    assertThat(store.findTrace(Fixtures.traceId(t))).as("acknowledged trace " + t).isPresent()
                            .get().satisfies(tr -> assertThat(tr.spans()).hasSize(20));
                }
                for (int t : refused) {
                    assertThat(store.findTrace(Fixtures.traceId(t))).as("refused trace " + t + ": all or nothing")
                            .isEmpty();
                }
            }
        }
    }

    /** One trace of 20 spans with 200 KB of incompressible text, so a few writes fill the disk. */
    private static void write(SqliteTraceStore store, int t) {
        Random random = new Random(t);
        List<Span> spans = new ArrayList<>();
        for (Span s : Fixtures.trace(t, 20, "trace-" + t)) {
            StringBuilder text = new StringBuilder(10_000);
            for (int i = 0; i < 10_000; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            spans.add(s.toBuilder().attributes(Attributes.builder().put("payload", text.toString()).build()).build());
        }
        Fixtures.ingestInto(store, ASSEMBLER).append(List.of(new SpanBatch(spans)));
    }
}
