package dev.tta.obs.adapters.jaeger;

import com.code_intelligence.jazzer.junit.FuzzTest;
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
 * is wrong) or a JSON syntax or encoding error, nothing else. Seeds: {@code JaegerImportFuzzTestInputs/};
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
        } catch (InvalidTelemetryException | IOException e) {
            // refused with a reason, or a JSON syntax or encoding error (from bytes in memory, an
            // IOException can only be that): 400 from /api/import, one line from the CLI
        }
    }
}
