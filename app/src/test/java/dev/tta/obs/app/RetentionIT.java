package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention as a user sees it: the newest N traces stay, the API counts evictions, the file stays bounded. */
class RetentionIT {
    @TempDir
    Path dataDir;

    private static byte[] traces(int round, int count) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long now = System.currentTimeMillis() * 1_000_000L;
        String payload = "x".repeat(2_000);
        for (int t = 0; t < count; t++) {
            byte[] traceId = ByteBuffer.allocate(16).putLong(0x7e7e000000000000L | round).putLong(t + 1L).array();
            for (int s = 0; s < 4; s++) {
                Span.Builder span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
                        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putInt(t + 1).putInt(s + 1).array()))
                        .setName("step-" + s).setStartTimeUnixNano(now + t).setEndTimeUnixNano(now + t + 1000)
                        .addAttributes(KeyValue.newBuilder().setKey("prompt")
                                .setValue(AnyValue.newBuilder().setStringValue(payload)));
                if (s > 0) {
                    span.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putInt(t + 1).putInt(1).array()));
                }
                scope.addSpans(span);
            }
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
                .build().toByteArray();
    }

    private static long databaseBytes(Path dir) throws Exception {
        long size = 0;
        for (String name : new String[] {"tta-obs.sqlite", "tta-obs.sqlite-wal", "tta-obs-search.sqlite",
                "tta-obs-search.sqlite-wal"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                size += Files.size(f);
            }
        }
        return size;
    }

    @Test
    void newestTracesStay_evictionsAreCounted_andTheFileStopsGrowing() throws Exception {
        try (RunningService service = new RunningService(dataDir, "--max-traces=40", "--retention=7d",
                "--retention-every=1s")) {
            JsonNode settings = service.getJson("/api/settings");
            assertThat(settings.get("retention").get("maxTraces").asLong()).isEqualTo(40);
            assertThat(settings.get("retention").get("maxAge").asText()).isEqualTo("7d");

            long afterWarmUp = 0;
            for (int round = 1; round <= 20; round++) {
                assertThat(service.post("/v1/traces", "application/x-protobuf", traces(round, 40)).statusCode())
                        .isEqualTo(200);
                long expectedEvicted = (round - 1) * 40L;
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (service.getJson("/api/settings").get("evictedTraces").asLong() < expectedEvicted
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(service.getJson("/api/settings").get("evictedTraces").asLong())
                        .as("evicted after round %d", round).isGreaterThanOrEqualTo(expectedEvicted);
                if (round == 10) {
                    afterWarmUp = databaseBytes(dataDir);
                }
            }
            JsonNode list = service.getJson("/api/traces?limit=100").get("traces");
            assertThat(list).hasSize(40);
            // the survivors are the last round's
            list.forEach(t -> assertThat(t.get("traceId").asText()).startsWith("7e7e000000000014"));
            assertThat(service.getJson("/api/stats").get("traceCount").asLong()).isEqualTo(40);
            // freed pages are reused and the write-ahead log is recycled: ten more rounds of the same
            // load (3 MB each way) leave the files about where they were
            long end = databaseBytes(dataDir);
            assertThat(end).as("bytes after 20 rounds vs %d after 10", afterWarmUp)
                    .isLessThan(afterWarmUp + afterWarmUp / 3);
            assertThat(end).isLessThan(16L * 1024 * 1024);
        }
    }
}
