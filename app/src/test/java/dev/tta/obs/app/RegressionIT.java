package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A run of a workflow that is much slower than its previous runs is flagged, with what and by how much. */
class RegressionIT {
    @TempDir
    Path dataDir;

    private static String run(Tracer tracer, long startMs, long durationMs, boolean extraStep) {
        long t0 = 1_767_225_600_000_000_000L + startMs * 1_000_000L;
        Span root = tracer.spanBuilder("support_answer.run").setNoParent()
                .setAttribute("workflow.name", "support_answer")
                .setStartTimestamp(t0, TimeUnit.NANOSECONDS).startSpan();
        Span step = tracer.spanBuilder("retrieve").setParent(Context.root().with(root))
                .setStartTimestamp(t0, TimeUnit.NANOSECONDS).startSpan();
        step.end(t0 + durationMs / 2 * 1_000_000L, TimeUnit.NANOSECONDS);
        if (extraStep) {
            tracer.spanBuilder("rerank").setParent(Context.root().with(root))
                    .setStartTimestamp(t0, TimeUnit.NANOSECONDS).startSpan()
                    .end(t0 + 1_000_000L, TimeUnit.NANOSECONDS);
        }
        root.end(t0 + durationMs * 1_000_000L, TimeUnit.NANOSECONDS);
        return root.getSpanContext().getTraceId();
    }

    @Test
    void slowRun_isFlaggedAgainstTheMedianOfPreviousRuns_andANormalRunIsNot() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "agent")))
                    .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                            .setEndpoint(service.url("/v1/traces")).build()).build())
                    .build();
            Tracer tracer = provider.get("regression-test");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(run(tracer, i * 10_000L, 100 + i * 5, false));
            }
            String normal = run(tracer, 50_000, 110, false);
            String slow = run(tracer, 60_000, 400, true);
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            provider.shutdown().join(10, TimeUnit.SECONDS);

            JsonNode ok = service.getJson("/api/traces/" + normal);
            assertThat(ok.get("summary").get("regression").asBoolean()).isFalse();
            assertThat(ok.get("baseline").get("baselineRuns").asInt()).isEqualTo(4);

            JsonNode bad = service.getJson("/api/traces/" + slow);
            assertThat(bad.get("summary").get("regression").asBoolean()).isTrue();
            assertThat(bad.get("summary").get("baselineTraceId").asText()).isEqualTo(normal);
            JsonNode baseline = bad.get("baseline");
            assertThat(baseline.get("key").asText()).isEqualTo("workflow:support_answer");
            JsonNode duration = null;
            for (JsonNode f : baseline.get("findings")) {
                if (f.get("metric").asText().equals("duration_ms")) {
                    duration = f;
                }
            }
            assertThat(duration).isNotNull();
            assertThat(duration.get("regressed").asBoolean()).isTrue();
            assertThat(duration.get("actual").asDouble()).isEqualTo(400.0);
            assertThat(duration.get("ratio").asDouble()).isGreaterThan(3.0);
            assertThat(baseline.get("addedSpanNames")).extracting(JsonNode::asText).containsExactly("rerank");

            JsonNode first = service.getJson("/api/traces/" + ids.get(0));
            assertThat(first.get("summary").get("regression").asBoolean()).isFalse();
            assertThat(first.get("baseline").get("enoughBaseline").asBoolean()).isFalse();

            // the list: verdicts are kept once each trace has been quiet for a second
            List<String> flagged = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (flagged.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                flagged.clear();
                service.getJson("/api/traces?regressions=true").get("traces")
                        .forEach(t -> flagged.add(t.get("traceId").asText()));
            }
            assertThat(flagged).as("regressions=true").containsExactly(slow);
            JsonNode list = service.getJson("/api/traces?limit=10").get("traces");
            for (JsonNode row : list) {
                assertThat(row.get("regression").asBoolean()).as("list badge of %s", row.get("traceId"))
                        .isEqualTo(row.get("traceId").asText().equals(slow));
            }
            assertThat(list).hasSize(6);
        }
    }
}
