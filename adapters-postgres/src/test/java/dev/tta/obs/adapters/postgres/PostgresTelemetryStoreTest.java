package dev.tta.obs.adapters.postgres;

import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.ports.contract.Fixtures;
import dev.tta.obs.ports.contract.TelemetryStoreContract;
import dev.tta.obs.ports.out.TelemetryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.Optional;

class PostgresTelemetryStoreTest extends TelemetryStoreContract {
    private static TestPostgres server;
    private PostgresTraceStore traces;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestPostgres.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected TelemetryStore newStore() throws Exception {
        traces = PostgresTraceStore.open(server.freshSchemaUrl(), Optional.empty(), Optional.empty(),
                new TraceAssembler(Fixtures.ROLLUPS));
        return traces.telemetry();
    }

    @AfterEach
    void closeTraces() {
        traces.close();
    }
}
