package dev.tta.obs.adapters.jaeger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanKind;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.WorkflowRollupCalculator;
import dev.tta.obs.ports.contract.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class JaegerJsonTest {
    private static final TraceAssembler ASSEMBLER = new TraceAssembler(WorkflowRollupCalculator.NONE);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A root, a span with every field and attribute type, and a producer span. */
    public static Trace sample() {
        List<Span> spans = List.of(
                Fixtures.span(1, 0, null, "workflow").kind(SpanKind.SERVER).build(),
                Fixtures.fullSpan(1),
                Fixtures.span(1, 2, 0, "publish").kind(SpanKind.PRODUCER)
                        .status(dev.tta.obs.domain.StatusCode.OK, "").build());
        return ASSEMBLER.assemble(Fixtures.traceId(1), spans);
    }

    public static String export(List<Trace> traces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JaegerJsonWriter w = new JaegerJsonWriter(out, true)) {
            traces.forEach(w::write);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mapping_matchesTheGoldenFile() throws IOException {
        String actual = export(List.of(sample()));
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/sample-trace.jaeger.json")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(JSON.readTree(actual)).isEqualTo(JSON.readTree(golden));
    }

    @Test
    void output_hasExactlyTheShapeJaegerReads() throws IOException {
        JsonNode root = JSON.readTree(export(List.of(sample())));
        JsonNode trace = root.get("data").get(0);
        assertThat(fieldNames(trace)).containsExactlyInAnyOrder("traceID", "spans", "processes", "warnings");
        Set<String> tagTypes = new HashSet<>();
        for (JsonNode span : trace.get("spans")) {
            assertThat(fieldNames(span)).containsExactlyInAnyOrder("traceID", "spanID", "operationName",
                    "references", "flags", "startTime", "duration", "tags", "logs", "processID", "warnings");
            assertThat(span.get("startTime").isIntegralNumber()).isTrue();
            assertThat(span.get("duration").isIntegralNumber()).isTrue();
            for (JsonNode ref : span.get("references")) {
                assertThat(fieldNames(ref)).containsExactlyInAnyOrder("refType", "traceID", "spanID");
                assertThat(ref.get("refType").asText()).isIn("CHILD_OF", "FOLLOWS_FROM");
            }
            for (JsonNode tag : span.get("tags")) {
                assertThat(fieldNames(tag)).containsExactlyInAnyOrder("key", "type", "value");
                tagTypes.add(tag.get("type").asText());
            }
            for (JsonNode log : span.get("logs")) {
                assertThat(fieldNames(log)).containsExactlyInAnyOrder("timestamp", "fields");
                assertThat(log.get("fields").get(0).get("key").asText()).isEqualTo("event");
            }
            assertThat(trace.get("processes").has(span.get("processID").asText())).isTrue();
        }
        assertThat(tagTypes).containsExactlyInAnyOrder("string", "bool", "int64", "float64", "binary");
        for (JsonNode process : iterable(trace.get("processes"))) {
            assertThat(fieldNames(process)).containsExactlyInAnyOrder("serviceName", "tags");
        }
    }

    @Test
    void otelFields_becomeTheTagsTheCollectorsTranslatorWrites() throws IOException {
        JsonNode full = JSON.readTree(export(List.of(sample()))).get("data").get(0).get("spans").get(1);
        assertThat(tag(full, "span.kind").get("value").asText()).isEqualTo("client");
        assertThat(tag(full, "otel.status_code").get("value").asText()).isEqualTo("ERROR");
        assertThat(tag(full, "error").get("value").asBoolean()).isTrue();
        assertThat(tag(full, "otel.status_description").get("value").asText()).isEqualTo("model timed out");
        assertThat(tag(full, "otel.scope.name").get("value").asText()).isEqualTo("openinference");
        assertThat(tag(full, "long").get("value").asText()).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(tag(full, "map").get("value").asText()).isEqualTo("{\"k\":\"v\",\"n\":7}");
        assertThat(tag(full, "array").get("value").asText()).isEqualTo("[\"a\",2]");
        assertThat(full.get("references").get(0).get("refType").asText()).isEqualTo("CHILD_OF");
        assertThat(full.get("references").get(1).get("refType").asText()).isEqualTo("FOLLOWS_FROM");
        assertThat(full.get("logs").get(0).get("fields").get(0).get("value").asText()).isEqualTo("exception");
    }

    /** Found by JaegerImportFuzzTest: Base64's and Long's own messages did not say where the file is wrong. */
    @Test
    void aTagValueThatDoesNotFitItsType_isRefusedNamingTheTag() {
        for (String[] bad : new String[][] {{"binary", "\"dev-box\""}, {"int64", "\"12x\""}, {"float64", "\"one\""}}) {
            String file = "{\"data\":[{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"2\",\"startTime\":1,\"duration\":1,"
                    + "\"tags\":[{\"key\":\"host.name\",\"type\":\"" + bad[0] + "\",\"value\":" + bad[1] + "}]}]}]}";
            assertThatThrownBy(() -> JaegerJsonReader.read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                    spans -> { }))
                    .isInstanceOf(dev.tta.obs.domain.InvalidTelemetryException.class)
                    .hasMessageContaining("tag 'host.name' of type " + bad[0]);
        }
    }

    /** Found by JaegerImportFuzzTest: leading zero bytes made Jackson read UTF-32 and fail with its own words. */
    @Test
    void aFileThatIsNotUtf8_isRefusedSayingSo() throws IOException {
        byte[] file = getClass().getResourceAsStream("JaegerImportFuzzTestInputs/jaegerJson/finding-utf32-detected.json")
                .readAllBytes();
        assertThatThrownBy(() -> JaegerJsonReader.read(new ByteArrayInputStream(file), spans -> { }))
                .isInstanceOf(dev.tta.obs.domain.InvalidTelemetryException.class)
                .hasMessageStartingWith("not Jaeger JSON: the file is not UTF-8 text");
    }

    @Test
    void exportImportExport_givesTheSameFile() throws IOException {
        String first = export(List.of(sample()));
        List<Trace> imported = new ArrayList<>();
        JaegerJsonReader.read(new ByteArrayInputStream(first.getBytes(StandardCharsets.UTF_8)),
                spans -> imported.add(ASSEMBLER.assemble(spans.get(0).traceId(), spans)));
        assertThat(export(imported)).isEqualTo(first);
    }

    @Test
    void notJaegerJson_isRefusedWithAReason() {
        assertThatThrownBy(() -> JaegerJsonReader.read(new ByteArrayInputStream("[1,2]".getBytes()), s -> { }))
                .hasMessageContaining("not Jaeger JSON");
        assertThatThrownBy(() -> JaegerJsonReader.read(new ByteArrayInputStream("{\"x\":1}".getBytes()), s -> { }))
                .hasMessageContaining("no \"data\" array");
    }

    private static JsonNode tag(JsonNode span, String key) {
        for (JsonNode t : span.get("tags")) {
            if (t.get("key").asText().equals(key)) {
                return t;
            }
        }
        throw new AssertionError("no tag " + key + " in " + span);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Iterable<JsonNode> iterable(JsonNode object) {
        List<JsonNode> values = new ArrayList<>();
        object.elements().forEachRemaining(values::add);
        return values;
    }
}
