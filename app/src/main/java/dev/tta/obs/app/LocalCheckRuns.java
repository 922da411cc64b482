package dev.tta.obs.app;

import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.check.CheckRun;
import dev.tta.obs.ports.out.TraceStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The runs of the data directory's store, opened read-only so a running server is not disturbed. */
final class LocalCheckRuns implements CheckRunSource {
    private final TraceStore<?> store;

    private LocalCheckRuns(TraceStore<?> store) {
        this.store = store;
    }

    static LocalCheckRuns open(StorageOptions storage) throws IOException {
        return new LocalCheckRuns(storage.openReadOnly(storage.assembler()));
    }

    @Override
    public List<CheckRun> runs(long fromUnixNano) {
        List<CheckRun> runs = new ArrayList<>();
        store.scanSummaries(fromUnixNano, s -> runs.add(CheckRun.of(s)));
        return runs;
    }

    @Override
    public Map<String, Double> averageScores(List<CheckRun> runs) {
        List<TraceId> ids = runs.stream().map(r -> TraceId.of(r.traceId())).toList();
        return CheckRunSource.averages(store.feedback(ids).values().stream().flatMap(List::stream)
                .filter(f -> f.score().isPresent())
                .map(f -> new NamedScore(f.name(), f.score().get())));
    }

    @Override
    public void close() {
        store.close();
    }
}
