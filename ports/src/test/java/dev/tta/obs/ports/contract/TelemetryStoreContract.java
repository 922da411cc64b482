package dev.tta.obs.ports.contract;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.InstrumentationScope;
import dev.tta.obs.domain.Resource;
import dev.tta.obs.domain.SpanId;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.telemetry.LogBatch;
import dev.tta.obs.domain.telemetry.LogEntry;
import dev.tta.obs.domain.telemetry.MetricBatch;
import dev.tta.obs.domain.telemetry.MetricPoint;
import dev.tta.obs.domain.telemetry.MetricSeries;
import dev.tta.obs.ports.out.TelemetryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.tta.obs.ports.contract.Fixtures.spanId;
import static dev.tta.obs.ports.contract.Fixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a metrics and logs store: every {@link TelemetryStore} runs this suite, as every
 * trace store runs {@link TraceStoreContract}. Tests are protected so a store that cannot support
 * one can override it with a reason, in the open.
 */
public abstract class TelemetryStoreContract {
    private static final long T0 = 1_767_225_600_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    protected TelemetryStore store;

    /** A new, empty store. */
    protected abstract TelemetryStore newStore() throws Exception;

    @BeforeEach
    protected void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    protected void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private static Resource service(String name) {
        return new Resource(Attributes.builder().put("service.name", name).build(), 0);
    }

    private static MetricPoint point(String name, String service, Attributes attributes, long time, double value) {
        return new MetricPoint(name, "tokens used", "{token}", MetricPoint.MetricType.SUM, service(service),
                new InstrumentationScope("tta.test", "1.0", Attributes.empty(), 0), attributes, T0, time, value, 1);
    }

    private static Attributes model(String model) {
        return Attributes.builder().put("gen_ai.request.model", model).put("gen_ai.token.type", "input")
                .put("attempt", 2L).build();
    }

    private static LogEntry log(Optional<TraceId> trace, Optional<SpanId> span, long time, String body) {
        return new LogEntry(time, time + 5, 9, "INFO", Optional.of(AttributeValue.of(body)),
                Attributes.builder().put("gen_ai.system", "openai").put("index", 3L).build(), 1, trace, span, 1,
                "gen_ai.user.message", service("agent"),
                new InstrumentationScope("tta.test", "2.0", Attributes.empty(), 0));
    }

    @Test
    protected void pointsOfOneMetric_formOneSeriesPerAttributeSet_oldestFirst() {
        store.appendMetrics(List.of(new MetricBatch(List.of(
                point("gen_ai.client.token.usage", "agent", model("gpt-4o"), T0 + 2 * SECOND, 20),
                point("gen_ai.client.token.usage", "agent", model("gpt-4o"), T0 + SECOND, 10),
                point("gen_ai.client.token.usage", "agent", model("claude"), T0 + SECOND, 7)))));

        List<MetricSeries> series = store.metricSeries("gen_ai.client.token.usage", Map.of(), 100);

        assertThat(series).hasSize(2);
        MetricSeries gpt = series.stream()
                .filter(s -> s.attributes().getString("gen_ai.request.model").orElseThrow().equals("gpt-4o"))
                .findFirst().orElseThrow();
        assertThat(gpt.points()).extracting(MetricSeries.Point::value).containsExactly(10.0, 20.0);
        assertThat(gpt.unit()).isEqualTo("{token}");
        assertThat(gpt.type()).isEqualTo(MetricPoint.MetricType.SUM);
        assertThat(gpt.serviceName()).isEqualTo("agent");
        // a long attribute stays a long
        assertThat(gpt.attributes().get("attempt")).contains(AttributeValue.of(2L));
    }

    @Test
    protected void attributeFilter_keepsOnlyTheSeriesWithThoseValues() {
        store.appendMetrics(List.of(new MetricBatch(List.of(
                point("tokens", "agent", model("gpt-4o"), T0 + SECOND, 10),
                point("tokens", "agent", model("claude"), T0 + SECOND, 7)))));

        assertThat(store.metricSeries("tokens", Map.of("gen_ai.request.model", "claude"), 100))
                .singleElement().satisfies(s -> assertThat(s.points()).extracting(MetricSeries.Point::value)
                        .containsExactly(7.0));
        assertThat(store.metricSeries("tokens", Map.of("gen_ai.request.model", "llama"), 100)).isEmpty();
        assertThat(store.metricSeries("no-such-metric", Map.of(), 100)).isEmpty();
    }

    @Test
    protected void maxPoints_keepsTheNewestPoints() {
        store.appendMetrics(List.of(new MetricBatch(List.of(
                point("latency", "agent", Attributes.empty(), T0 + 3 * SECOND, 3),
                point("latency", "agent", Attributes.empty(), T0 + SECOND, 1),
                point("latency", "agent", Attributes.empty(), T0 + 2 * SECOND, 2)))));

        assertThat(store.metricSeries("latency", Map.of(), 2)).singleElement()
                .satisfies(s -> assertThat(s.points()).extracting(MetricSeries.Point::value).containsExactly(2.0, 3.0));
    }

    @Test
    protected void metricNames_areDistinctAndSorted() {
        store.appendMetrics(List.of(new MetricBatch(List.of(
                point("zeta", "agent", Attributes.empty(), T0, 1),
                point("alpha", "agent", Attributes.empty(), T0, 1),
                point("alpha", "agent", Attributes.empty(), T0 + SECOND, 1)))));

        assertThat(store.metricNames()).containsExactly("alpha", "zeta");
    }

    @Test
    protected void aResentExport_isKeptOnce() {
        MetricBatch metrics = new MetricBatch(List.of(point("tokens", "agent", model("gpt-4o"), T0, 10)));
        LogBatch logs = new LogBatch(List.of(log(Optional.of(traceId(1)), Optional.of(spanId(1)), T0, "hello")));
        store.appendMetrics(List.of(metrics));
        store.appendLogs(List.of(logs));
        store.appendMetrics(List.of(metrics));
        store.appendLogs(List.of(logs));

        assertThat(store.metricSeries("tokens", Map.of(), 100)).singleElement()
                .satisfies(s -> assertThat(s.points()).hasSize(1));
        assertThat(store.logsOfTrace(traceId(1), 100)).hasSize(1);
    }

    @Test
    protected void logsOfATrace_comeBackWholeByTime_withoutOtherTracesLogs() {
        LogEntry later = log(Optional.of(traceId(1)), Optional.empty(), T0 + 2 * SECOND, "answer");
        LogEntry first = log(Optional.of(traceId(1)), Optional.of(spanId(1)), T0 + SECOND, "question");
        store.appendLogs(List.of(new LogBatch(List.of(later, first,
                log(Optional.of(traceId(2)), Optional.of(spanId(5)), T0, "other trace"),
                log(Optional.empty(), Optional.empty(), T0, "outside any span")))));

        List<LogEntry> logs = store.logsOfTrace(traceId(1), 100);

        assertThat(logs).containsExactly(first, later);
        assertThat(store.logsOfTrace(traceId(1), 1)).containsExactly(first);
        assertThat(store.logsOfTrace(traceId(3), 100)).isEmpty();
    }

    @Test
    protected void aStructuredLogBody_keepsItsTypes() {
        AttributeValue body = new AttributeValue.MapValue(Attributes.builder()
                .put("role", "user").put("tokens", 12L).put("ok", true).build());
        LogEntry structured = new LogEntry(T0, T0, 9, "INFO", Optional.of(body), Attributes.empty(), 0,
                Optional.of(traceId(1)), Optional.of(spanId(1)), 0, "", service("agent"),
                new InstrumentationScope("tta.test", "", Attributes.empty(), 0));
        store.appendLogs(List.of(new LogBatch(List.of(structured))));

        assertThat(store.logsOfTrace(traceId(1), 10)).singleElement()
                .satisfies(l -> assertThat(l.body()).contains(body));
    }
}
