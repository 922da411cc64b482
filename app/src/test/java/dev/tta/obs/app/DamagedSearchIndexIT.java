package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pages of tta-obs-search.sqlite overwritten between two runs: every search answered 500 on every
 * start, and the log blamed tta-obs.sqlite. Now the first term search is answered 503 with a
 * retry hint naming the search file, the index is rebuilt from the spans, and searches work again.
 */
@Tag("faults")
class DamagedSearchIndexIT {
    @TempDir
    Path dir;

    @Test
    void aDamagedSearchIndex_is503NamingItsFile_thenRebuilt_withoutARestart() throws Exception {
        Path data = dir.resolve("data");
        try (RunningService s = new RunningService(data)) {
            for (int t = 1; t <= 300; t++) {
                s.export(OtlpRequests.service("checkout").span(t, 0, -1, "needle run-" + t, 0, 10, false).bytes());
            }
            assertThat(s.getJson("/api/traces?q=needle&limit=500").get("traces")).hasSize(300);
        }
        Path index = data.resolve("tta-obs-search.sqlite");
        long size = Files.size(index);
        byte[] junk = new byte[4096];
        new Random(3).nextBytes(junk);
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            for (long at = size / 2 / 4096 * 4096; at < size; at += 4096) {
                ch.write(ByteBuffer.wrap(junk), at);
            }
        }
        try (RunningService s = new RunningService(data)) {
            assertThat(s.getJson("/api/traces?limit=5").get("traces")).as("listing without terms").hasSize(5);
            HttpResponse<String> first = s.get("/api/traces?q=needle&limit=500");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
            assertThat(first.headers().firstValue("Retry-After")).isPresent();
            assertThat(RunningService.JSON.readTree(first.body()).get("detail").asText())
                    .contains(index.toString()).doesNotContain("tta-obs.sqlite ");

            JsonNode found = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (found == null && System.nanoTime() < deadline) {
                HttpResponse<String> r = s.get("/api/traces?q=needle&limit=500");
                if (r.statusCode() == 200) {
                    found = RunningService.JSON.readTree(r.body()).get("traces");
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                    Thread.sleep(100);
                }
            }
            assertThat(found).as("every trace found again once rebuilt").hasSize(300);
            assertThat(data.resolve("tta-obs-search.sqlite.damaged")).exists();
        }
    }
}
