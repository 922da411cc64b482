package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tta-obs demo} against a real tta-obs: what a newcomer runs right after `start`. */
class DemoCommandIT {
    @TempDir
    Path dataDir;

    @Test
    void demo_fillsARunningTtaObs_withCacheRetryFallbackLlmAndErrorRuns() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            int code = TtaObs.commandLine().execute("demo", "--url", service.url(""));
            assertThat(code).isZero();

            JsonNode traces = service.getJson("/api/traces").get("traces");
            assertThat(traces).hasSize(5);
            List<String> spanNames = new ArrayList<>();
            int errors = 0;
            for (JsonNode t : traces) {
                errors += t.get("errorCount").asInt();
                service.getJson("/api/traces/" + t.get("traceId").asText()).get("spans")
                        .forEach(s -> spanNames.add(s.get("name").asText()));
            }
            assertThat(spanNames).contains("CachePrimitive.execute", "RetryPrimitive.execute", "FallbackPrimitive.execute",
                    "chat gpt-4o-mini", "chat claude-3-5-haiku", "tool.lookup_customer");
            assertThat(errors).isPositive();
        }
    }

    @Test
    void demo_withNothingListening_exitsNonZero() {
        int code = TtaObs.commandLine().execute("demo", "--url", "http://127.0.0.1:" + RunningService.freePort());
        assertThat(code).isNotZero();
    }
}
