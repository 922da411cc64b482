package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tta.obs.ports.contract.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data directory on a real file system that fills up (a small tmpfs) while exports arrive, and
 * gets room again: no restart, no acknowledged span lost, no refused one stored.
 */
@org.junit.jupiter.api.Tag("faults")
class FullDiskIT {
    private static final int SPANS = 20;

    @TempDir
    Path dir;

    @Test
    void aFullDisk_is503AndDegraded_andOnceFreedEveryExportWorksAgain_withoutARestart() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 16);
             RunningService s = new RunningService(disk.dir.resolve("data"))) {
            Path filler = disk.dir.resolve("filler");
            List<Integer> acknowledged = new ArrayList<>();
            List<Integer> refused = new ArrayList<>();
            assertThat(export(s, 1).statusCode()).isEqualTo(200);
            acknowledged.add(1);
            assertThat(s.getJson("/api/health").get("status").asText()).isEqualTo("ok");

            disk.fill(filler);
            for (int t = 2; t < 200 && refused.size() < 3; t++) {
                HttpResponse<byte[]> r = export(s, t);
                if (r.statusCode() == 200) {
                    acknowledged.add(t);
                } else {
                    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(new String(r.body())).contains("full");
                    refused.add(t);
                }
            }
            assertThat(refused).as("exports with no room left").isNotEmpty();
            JsonNode degraded = s.getJson("/api/health");
            assertThat(degraded.get("status").asText()).isEqualTo("degraded");
            assertThat(degraded.get("reason").asText()).contains("full");

            disk.free(filler);
            for (int t = 1000; t < 1040; t++) {
                HttpResponse<byte[]> r = export(s, t);
                assertThat(r.statusCode()).as("export %d once there is room: %s", t, new String(r.body())).isEqualTo(200);
                acknowledged.add(t);
            }
            assertThat(s.getJson("/api/health").get("status").asText()).isEqualTo("ok");
            assertThat(s.getJson("/api/health").has("reason")).isFalse();

            for (int t : acknowledged) {
                JsonNode trace = s.getJson("/api/traces/" + OtlpRequests.traceHex(t));
                assertThat(trace.get("spans")).as("acknowledged trace %d", t).hasSize(SPANS);
            }
            for (int t : refused) {
                assertThat(s.get("/api/traces/" + OtlpRequests.traceHex(t)).statusCode())
                        .as("trace %d was answered 503: none of it may be stored", t).isEqualTo(404);
            }
            assertThat(s.getJson("/api/stats").get("traceCount").asLong()).isEqualTo(acknowledged.size());
            // background checkpoints resumed: the log is restarted, not left to grow
            Path wal = disk.dir.resolve("data").resolve("tta-obs.sqlite-wal");
            assertThat(Files.size(wal)).as("WAL bytes").isLessThan(12L * 1024 * 1024);
        }
    }

    /** 20 spans with 4 KB of incompressible text each, so that a few exports fill the disk. */
    private static HttpResponse<byte[]> export(RunningService s, int t) throws Exception {
        Random random = new Random(t);
        OtlpRequests.Builder b = OtlpRequests.service("checkout");
        for (int i = 0; i < SPANS; i++) {
            StringBuilder text = new StringBuilder(4096);
            for (int c = 0; c < 4096; c++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            b.span(t, i, i == 0 ? -1 : 0, "step-" + i, i, i + 5, false, "payload", text.toString());
        }
        return s.post("/v1/traces", "application/x-protobuf", b.bytes());
    }
}
