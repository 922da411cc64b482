package dev.tta.obs.adapters.jaeger;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Span;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for {@code tta-obs import} and {@code POST /api/import} of a Jaeger JSON file: the
 * reader returns spans or refuses with {@link InvalidTelemetryException} (a message naming what
 * is wrong) or a JSON syntax error, nothing else. Seeds: {@code JaegerImportFuzzTestInputs/};
 * {@code ./mvnw verify} replays them, {@code bench/fuzz.sh} fuzzes for longer (see
 * docs/reliability.md).
 */
class JaegerImportFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void jaegerJson(byte[] file) {
        List<Span> spans = new ArrayList<>();
        try {
            long count = JaegerJsonReader.read(new ByteArrayInputStream(file), spans::addAll);
            assertThat(count).isEqualTo(spans.size());
        } catch (InvalidTelemetryException | JsonProcessingException e) {
            // refused with a reason: 400 from /api/import, one line from the CLI
        } catch (IOException e) {
            throw new AssertionError("an in-memory read failed with an IOException that is not a parse error", e);
        }
    }
}
