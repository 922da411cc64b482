package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tta.obs.app.OtlpRequests.service;
import static dev.tta.obs.app.OtlpRequests.traceHex;
import static org.assertj.core.api.Assertions.assertThat;

/** The WebSocket live feed with a real client, fed by real OTLP exports. */
class LiveFeedIT {
    @TempDir
    Path dataDir;
    RunningService service;
    LiveFeedClient live;

    @BeforeEach
    void start() throws Exception {
        service = new RunningService(dataDir);
        live = new LiveFeedClient(service);
    }

    @AfterEach
    void stop() {
        live.close();
        service.close();
    }

    private JsonNode nextTrace(long timeoutMs) throws InterruptedException {
        return live.next("trace", timeoutMs);
    }

    @Test
    void acknowledgedExport_reachesTheSocketPromptly_withStats() throws Exception {
        long sent = System.nanoTime();
        service.export(service("checkout").span(1, 0, -1, "live-run", 0, 10, false).bytes());
        JsonNode msg = nextTrace(2000);
        long ms = (System.nanoTime() - sent) / 1_000_000;
        assertThat(msg).as("a trace message").isNotNull();
        assertThat(msg.get("summary").get("traceId").asText()).isEqualTo(traceHex(1));
        assertThat(msg.get("summary").get("rootName").asText()).isEqualTo("live-run");
        assertThat(ms).as("ms from send to message").isLessThan(1000);

        boolean stats = false;
        long deadline = System.currentTimeMillis() + 3000;
        while (!stats && System.currentTimeMillis() < deadline) {
            JsonNode m = live.next("stats", 200);
            stats = m != null && m.get("stats").get("traceCount").asLong() == 1;
        }
        assertThat(stats).as("a stats message counting the trace").isTrue();
    }

    @Test
    void subscribeFilter_limitsWhatTheClientGets() throws Exception {
        live.send("{\"type\": \"subscribe\", \"filter\": {\"service\": \"agent\", \"errorsOnly\": true}}");
        Thread.sleep(100);
        service.export(service("checkout").span(1, 0, -1, "not-mine", 0, 10, true).bytes());
        service.export(service("agent").span(2, 0, -1, "fine", 0, 10, false).bytes());
        service.export(service("agent").span(3, 0, -1, "mine", 0, 10, true).bytes());
        JsonNode msg = nextTrace(2000);
        assertThat(msg).isNotNull();
        assertThat(msg.get("summary").get("rootName").asText()).isEqualTo("mine");
        assertThat(nextTrace(400)).as("nothing else").isNull();
    }

    @Test
    void burstOnOneTrace_isCoalesced_andEndsWithTheFullTrace() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            service.export(service("checkout").span(5, i, i == 0 ? -1 : 0, "s" + i, 0, 10 + i, false).bytes());
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        List<JsonNode> updates = new ArrayList<>();
        for (JsonNode m = nextTrace(600); m != null; m = nextTrace(400)) {
            updates.add(m);
        }
        assertThat(updates).isNotEmpty();
        assertThat(updates.size()).as("40 commits in %d ms", elapsedMs).isLessThanOrEqualTo((int) (elapsedMs / 100) + 3)
                .isLessThan(40);
        assertThat(updates.get(updates.size() - 1).get("summary").get("spanCount").asInt()).isEqualTo(40);
    }

    @Test
    void unknownMessage_isAnsweredWithAnError_andTheFeedKeepsGoing() throws Exception {
        live.send("{\"type\": \"dance\"}");
        assertThat(live.next("error", 2000)).isNotNull();
        service.export(service("checkout").span(1, 0, -1, "still-live", 0, 10, false).bytes());
        assertThat(nextTrace(2000)).isNotNull();
    }

    @Test
    void evaluationsSentOverOtlp_reachTheSocketAsTheApisFeedbackMessage() throws Exception {
        Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "evaluated"));
        SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                        .setEndpoint(service.url("/v1/traces")).build())).build();
        SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource)
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(service.url("/v1/logs")).build())).build();
        try {
            // an evaluator's result as an event of the span it judged
            Span answer = tracing.get("eval").spanBuilder("answer").startSpan();
            answer.addEvent("gen_ai.evaluation.result", Attributes.of(
                    AttributeKey.stringKey("gen_ai.evaluation.name"), "relevance",
                    AttributeKey.doubleKey("gen_ai.evaluation.score.value"), 0.2));
            answer.end();
            assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            String trace = answer.getSpanContext().getTraceId();
            JsonNode fromSpan = live.next("feedback", 3000);
            assertThat(fromSpan).as("a feedback message for the span's evaluation").isNotNull();
            assertThat(fromSpan.get("traceId").asText()).isEqualTo(trace);
            assertThat(fromSpan.get("feedback")).hasSize(1);
            assertThat(fromSpan.get("feedback").get(0).get("source").asText()).isEqualTo("otlp");
            assertThat(fromSpan.get("feedback").get(0).get("polarity").asText()).isEqualTo("negative");
            assertThat(fromSpan.get("feedback")).isEqualTo(service.getJson("/api/traces/" + trace + "/feedback")
                    .get("feedback"));

            // a later one as a log record in the same trace
            logging.get("evaluator").logRecordBuilder().setContext(Context.root().with(answer))
                    .setEventName("gen_ai.evaluation.result")
                    .setAttribute(AttributeKey.stringKey("gen_ai.evaluation.name"), "helpfulness")
                    .setAttribute(AttributeKey.stringKey("gen_ai.evaluation.score.label"), "pass").emit();
            assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            JsonNode fromLog = live.next("feedback", 3000);
            assertThat(fromLog).as("a feedback message for the log record's evaluation").isNotNull();
            assertThat(fromLog.get("feedback")).extracting(f -> f.get("name").asText())
                    .containsExactly("relevance", "helpfulness");

            // the API's message, for comparison: the same fields
            HttpResponse<String> given = service.send(service.request("/api/traces/" + trace + "/feedback")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"thumbs\",\"label\":\"up\"}")));
            assertThat(given.statusCode()).isEqualTo(201);
            JsonNode fromApi = live.next("feedback", 3000);
            assertThat(fromApi.get("feedback")).hasSize(3);
            assertThat(fromApi.get("feedback").get(0)).isEqualTo(fromLog.get("feedback").get(0));
        } finally {
            tracing.shutdown().join(10, TimeUnit.SECONDS);
            logging.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
