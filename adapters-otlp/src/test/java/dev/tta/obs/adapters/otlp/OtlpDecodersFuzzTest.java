package dev.tta.obs.adapters.otlp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.tta.obs.domain.InvalidTelemetryException;
import dev.tta.obs.domain.Span;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for everything that reads OTLP from a sender or a file. The property each checks:
 * the code returns a result or refuses the input the way the receiver or importer turns into a 400
 * (protobuf's InvalidProtocolBufferException, {@link BadExportException}, an IOException of the
 * JSON decoding, {@link InvalidTelemetryException}) and nothing else: no other exception, no
 * OutOfMemoryError, no hang (bench/fuzz.sh gives libFuzzer a 10 s timeout per input).
 *
 * <p>{@code ./mvnw verify} runs each target once per file of its seed corpus
 * ({@code src/test/resources/.../OtlpDecodersFuzzTestInputs/<method>/}) and on the empty input;
 * {@code bench/fuzz.sh} fuzzes them for minutes, and a finding lands in that directory, where it
 * stays as a regression test.
 */
class OtlpDecodersFuzzTest {
    private static final AttributeLimits SMALL = new AttributeLimits(4, 12);

    /**
     * The receiver's protobuf trace path. Besides refusing well, the fast decoder must agree with
     * protobuf's generated parser and {@link OtlpSpanMapper}, which it claims to match exactly.
     */
    @FuzzTest(maxDuration = "10s")
    void protobufTraces(byte[] body) {
        for (AttributeLimits limits : new AttributeLimits[] {AttributeLimits.DEFAULT, SMALL}) {
            OtlpSpanMapper.Mapped reference;
            try {
                reference = OtlpTraceDecoderTest.reference(body, limits);
            } catch (InvalidProtocolBufferException e) {
                reference = null;
            }
            OtlpSpanMapper.Mapped fast;
            try {
                fast = OtlpTraceDecoder.decodeOnly(body, limits);
            } catch (OtlpTraceDecoder.NotHandled e) {
                fast = null;
            }
            if (fast != null) {
                assertThat(reference).as("the fast decoder accepted a body protobuf refuses").isNotNull();
                OtlpTraceDecoderTest.assertSame(fast, reference, "fast decoder vs protobuf");
            }
            try {
                OtlpSpanMapper.Mapped mapped = OtlpTraceDecoder.map(body, limits);
                assertThat(reference).as("map() accepted a body protobuf refuses").isNotNull();
                OtlpTraceDecoderTest.assertSame(mapped, reference, "map() vs protobuf");
            } catch (InvalidProtocolBufferException e) {
                assertThat(reference).as("map() refused a body protobuf accepts").isNull();
            }
        }
    }

    /** The receiver's protobuf metrics and logs paths: the same bytes read as either. */
    @FuzzTest(maxDuration = "10s")
    void protobufMetricsAndLogs(byte[] body) {
        try {
            OtlpMetricMapper.map(ExportMetricsServiceRequest.parseFrom(body), SMALL);
        } catch (InvalidProtocolBufferException e) {
            // refused: 400
        }
        try {
            OtlpLogMapper.map(ExportLogsServiceRequest.parseFrom(body), SMALL);
        } catch (InvalidProtocolBufferException e) {
            // refused: 400
        }
    }

    /**
     * The receiver's OTLP/JSON path for traces, metrics and logs: the merge may refuse only with
     * {@link BadExportException}; what it accepts must then map without an exception, since the
     * mapping runs where a failure would be answered 503 "retry later".
     */
    @FuzzTest(maxDuration = "10s")
    void jsonExports(byte[] body) {
        ExportTraceServiceRequest.Builder traces = ExportTraceServiceRequest.newBuilder();
        if (merged(body, traces)) {
            OtlpSpanMapper.map(traces.build(), SMALL);
        }
        ExportMetricsServiceRequest.Builder metrics = ExportMetricsServiceRequest.newBuilder();
        if (merged(body, metrics)) {
            OtlpMetricMapper.map(metrics.build(), SMALL);
        }
        ExportLogsServiceRequest.Builder logs = ExportLogsServiceRequest.newBuilder();
        if (merged(body, logs)) {
            OtlpLogMapper.map(logs.build(), SMALL);
        }
    }

    private static boolean merged(byte[] body, Message.Builder into) {
        try {
            OtlpJson.merge(new ByteArrayInputStream(body), into);
            return true;
        } catch (BadExportException e) {
            return false;
        } catch (IOException e) {
            // found by this target: a body starting "{\0\0\0" makes Jackson guess UTF-32 and throw
            // CharConversionException past merge's BadExportException; OtlpHttpController answers
            // every IOException of the decode with 400 too, so the sender still gets its 400
            return false;
        }
    }

    /** {@code tta-obs import} and {@code POST /api/import} of an OTLP/JSON file (JSON Lines). */
    @FuzzTest(maxDuration = "10s")
    void otlpJsonImport(byte[] file) {
        List<Span> spans = new ArrayList<>();
        try {
            long count = new OtlpJsonFormat().read(new ByteArrayInputStream(file), spans::addAll);
            assertThat(count).isEqualTo(spans.size());
        } catch (InvalidTelemetryException | IOException e) {
            // refused: "not OTLP/JSON ..." or a JSON syntax or encoding error (from bytes in memory,
            // an IOException can only be that); /api/import answers both 400, the CLI one line
        }
    }
}
