package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A three-turn conversation sent by the OpenTelemetry Java SDK (session.id and user.id on each
 * turn's root, a GenAI evaluation event on one span and another as a log record) reads back as one
 * session, turn by turn, with its feedback; feedback given through the API is kept across a
 * restart, guarded like every write, filtered on, and exported as evaluation events.
 */
class SessionsAndFeedbackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String[] QUESTIONS = {"Where is my order 1234?", "Can you ship it faster?", "Thanks, and the invoice?"};
    static final String[] ANSWERS = {"Order 1234 ships today.", "Express shipping is booked.", "The invoice is in your inbox."};

    @TempDir
    Path dataDir;

    /** One turn: the agent's root (with the session and user), a tool call and an LLM call that answers. */
    private static String turn(Tracer tracer, int i, boolean judged) {
        return turn(tracer, "conv-e2e", i, judged, false);
    }

    /** As above in {@code session}; {@code fails}: the root ends in an error. Also for SessionFeedbackCommandsIT. */
    static String turn(Tracer tracer, String session, int i, boolean judged, boolean fails) {
        Span root = tracer.spanBuilder("support_agent").setNoParent()
                .setAttribute("session.id", session).setAttribute("user.id", "ann").startSpan();
        try (Scope ignored = root.makeCurrent()) {
            Span tool = tracer.spanBuilder("execute_tool lookup_order").setAttribute("gen_ai.operation.name", "execute_tool")
                    .setAttribute("gen_ai.tool.name", "lookup_order").startSpan();
            tool.end();
            Span llm = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
                    .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
                    .setAttribute("gen_ai.request.model", "gpt-4o-mini")
                    .setAttribute("gen_ai.usage.input_tokens", 100L * (i + 1)).setAttribute("gen_ai.usage.output_tokens", 20L)
                    .setAttribute("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\""
                            + QUESTIONS[i] + "\"}]}]")
                    .setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\""
                            + ANSWERS[i] + "\"}]}]")
                    .startSpan();
            if (judged) {
                llm.addEvent("gen_ai.evaluation.result", Attributes.builder()
                        .put("gen_ai.evaluation.name", "relevance").put("gen_ai.evaluation.score.value", 0.2)
                        .put("gen_ai.evaluation.score.label", "irrelevant")
                        .put("gen_ai.evaluation.explanation", "talks about billing, not shipping").build());
            }
            llm.end();
            if (fails) {
                root.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "the invoice service is down");
            }
        } finally {
            root.end();
        }
        return root.getSpanContext().getTraceId();
    }

    private static HttpResponse<String> post(RunningService service, String path, String json, String origin)
            throws Exception {
        HttpRequest.Builder b = service.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return service.send(b);
    }

    @Test
    void aConversation_readsBackAsASession_turnByTurn_withItsFeedback_andFeedbackSurvivesARestart() throws Exception {
        List<String> turns = new ArrayList<>();
        String feedbackId;
        try (RunningService service = new RunningService(dataDir)) {
            Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                    AttributeKey.stringKey("service.name"), "support-bot")));
            SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
                    .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                            .setEndpoint(service.url("/v1/traces")).build()).build())
                    .build();
            SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource)
                    .addLogRecordProcessor(BatchLogRecordProcessor.builder(OtlpHttpLogRecordExporter.builder()
                            .setEndpoint(service.url("/v1/logs")).build()).build())
                    .build();
            Tracer tracer = tracing.get("support-bot");
            for (int i = 0; i < 3; i++) {
                turns.add(turn(tracer, i, i == 1));
                Thread.sleep(5);
            }
            // an evaluator scores the last answer afterwards, as a log record in the LLM call's trace
            Span third = Span.wrap(io.opentelemetry.api.trace.SpanContext.create(turns.get(2), "00f067aa0ba902b7",
                    io.opentelemetry.api.trace.TraceFlags.getSampled(), io.opentelemetry.api.trace.TraceState.getDefault()));
            Logger logger = logging.get("evaluator");
            logger.logRecordBuilder().setContext(Context.root().with(third)).setEventName("gen_ai.evaluation.result")
                    .setAttribute(AttributeKey.stringKey("gen_ai.evaluation.name"), "helpfulness")
                    .setAttribute(AttributeKey.doubleKey("gen_ai.evaluation.score.value"), 0.9).emit();
            assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            tracing.shutdown().join(10, TimeUnit.SECONDS);
            logging.shutdown().join(10, TimeUnit.SECONDS);

            JsonNode sessions = service.getJson("/api/sessions").get("sessions");
            assertThat(sessions).hasSize(1);
            JsonNode s = sessions.get(0);
            assertThat(s.get("sessionId").asText()).isEqualTo("conv-e2e");
            assertThat(s.get("userId").asText()).isEqualTo("ann");
            assertThat(s.get("traceCount").asInt()).isEqualTo(3);
            assertThat(s.get("inputTokens").asLong()).isEqualTo(600);
            assertThat(s.get("outputTokens").asLong()).isEqualTo(60);
            assertThat(s.get("costUsd").asDouble()).isPositive();
            assertThat(s.get("status").asText()).isEqualTo("ok");
            assertThat(s.get("errorCount").asInt()).isZero();
            assertThat(service.getJson("/api/sessions?user=bob").get("sessions")).isEmpty();
            assertThat(service.getJson("/api/sessions?user=ann&service=support-bot&workflow=support_agent")
                    .get("sessions")).hasSize(1);
            assertThat(service.get("/api/sessions?sort=sideways").statusCode()).isEqualTo(400);

            JsonNode detail = service.getJson("/api/sessions/conv-e2e");
            assertThat(detail.get("traceCount").asInt()).isEqualTo(3);
            JsonNode traces = detail.get("traces");
            assertThat(traces).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(traces.get(i).get("traceId").asText()).isEqualTo(turns.get(i));
                assertThat(traces.get(i).get("input").asText()).isEqualTo(QUESTIONS[i]);
                assertThat(traces.get(i).get("output").asText()).isEqualTo(ANSWERS[i]);
                assertThat(traces.get(i).get("tools")).extracting(JsonNode::asText).containsExactly("lookup_order");
            }
            JsonNode judged = traces.get(1).get("feedback");
            assertThat(judged).hasSize(1);
            assertThat(judged.get(0).get("name").asText()).isEqualTo("relevance");
            assertThat(judged.get(0).get("score").asDouble()).isEqualTo(0.2);
            assertThat(judged.get(0).get("label").asText()).isEqualTo("irrelevant");
            assertThat(judged.get(0).get("comment").asText()).isEqualTo("talks about billing, not shipping");
            assertThat(judged.get(0).get("source").asText()).isEqualTo("otlp");
            assertThat(judged.get(0).get("polarity").asText()).isEqualTo("negative");
            JsonNode logged = traces.get(2).get("feedback");
            assertThat(logged).hasSize(1);
            assertThat(logged.get(0).get("name").asText()).isEqualTo("helpfulness");
            assertThat(service.get("/api/sessions/nope").statusCode()).isEqualTo(404);

            // feedback through the API: 201 with the stored item, clear 400s, 404 for an unknown trace
            HttpResponse<String> created = post(service, "/api/traces/" + turns.get(2) + "/feedback",
                    "{\"name\":\"thumbs\",\"score\":0,\"label\":\"down\",\"comment\":\"invoice was <b>wrong</b>\"}", null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode item = JSON.readTree(created.body());
            feedbackId = item.get("id").asText();
            assertThat(item.get("createdAt").asText()).endsWith("Z");
            assertThat(item.get("source").asText()).isEqualTo("api");
            assertThat(item.get("comment").asText()).isEqualTo("invoice was <b>wrong</b>");
            HttpResponse<String> neither = post(service, "/api/traces/" + turns.get(2) + "/feedback",
                    "{\"name\":\"thumbs\",\"comment\":\"no score\"}", null);
            assertThat(neither.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(neither.body()).get("detail").asText()).contains("score or a label");
            assertThat(post(service, "/api/traces/" + turns.get(2) + "/feedback", "{\"name\":\"x\",\"score\":\"high\"}", null)
                    .statusCode()).isEqualTo(400);
            assertThat(post(service, "/api/traces/" + "ab".repeat(16) + "/feedback", "{\"name\":\"x\",\"score\":1}", null)
                    .statusCode()).isEqualTo(404);
            assertThat(post(service, "/api/traces/" + turns.get(2) + "/feedback", "{\"name\":\"x\",\"score\":1}",
                    "https://evil.example").statusCode()).as("a foreign page may not write").isEqualTo(403);

            JsonNode negative = service.getJson("/api/traces?feedback=negative").get("traces");
            assertThat(negative).extracting(t -> t.get("traceId").asText()).containsExactlyInAnyOrder(turns.get(1), turns.get(2));
            assertThat(service.getJson("/api/traces?scoreAbove=0.5").get("traces"))
                    .extracting(t -> t.get("traceId").asText()).containsExactly(turns.get(2));
            assertThat(service.getJson("/api/traces?feedback=none").get("traces"))
                    .extracting(t -> t.get("traceId").asText()).containsExactly(turns.get(0));
            JsonNode row = service.getJson("/api/traces?feedback=thumbs").get("traces").get(0);
            assertThat(row.get("feedback")).extracting(f -> f.get("name").asText()).contains("thumbs", "helpfulness");

            // the export carries the API's feedback as an evaluation event (the SDK's own is on its span already)
            String jaeger = service.get("/api/traces/" + turns.get(2) + "/export?format=jaeger").body();
            assertThat(jaeger).contains("gen_ai.evaluation.result").contains("invoice was <b>wrong</b>")
                    .as("the evaluation that came as a log record").contains("helpfulness");
        }
        try (RunningService restarted = new RunningService(dataDir)) {
            JsonNode feedback = restarted.getJson("/api/traces/" + turns.get(2) + "/feedback").get("feedback");
            assertThat(feedback).extracting(f -> f.get("id").asText()).contains(feedbackId);
            HttpResponse<String> deleted = restarted.send(restarted.request("/api/traces/" + turns.get(2) + "/feedback/"
                    + feedbackId).DELETE());
            assertThat(deleted.statusCode()).isEqualTo(204);
            assertThat(restarted.send(restarted.request("/api/traces/" + turns.get(2) + "/feedback/" + feedbackId)
                    .DELETE()).statusCode()).isEqualTo(404);
            assertThat(restarted.getJson("/api/traces/" + turns.get(2)).get("feedback"))
                    .extracting(f -> f.get("name").asText()).containsExactly("helpfulness");
        }
    }
}
