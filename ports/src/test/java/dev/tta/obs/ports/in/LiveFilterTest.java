package dev.tta.obs.ports.in;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.StatusCode;
import dev.tta.obs.domain.TraceAssembler;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.ports.contract.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.ports.contract.Fixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

class LiveFilterTest {
    private final TraceAssembler assembler = new TraceAssembler(Fixtures.ROLLUPS);

    @Test
    void errorsOnly_keepsFailedRuns_notThoseThatRecovered() {
        TraceSummary recovered = assembler.summarize(Fixtures.traceId(1), List.of(span(1, 0, null, "run").build(),
                span(1, 1, 0, "attempt").status(StatusCode.ERROR, "429").build()));
        TraceSummary failed = assembler.summarize(Fixtures.traceId(2), List.of(
                span(2, 0, null, "run").status(StatusCode.ERROR, "gave up").build()));
        TraceSummary ok = assembler.summarize(Fixtures.traceId(3), Fixtures.trace(3, 2, "run"));
        assertThat(recovered.outcome()).isEqualTo(RunOutcome.RECOVERED);

        LiveFilter errorsOnly = new LiveFilter(Optional.empty(), true, Optional.empty());
        assertThat(errorsOnly.matches(failed)).isTrue();
        assertThat(errorsOnly.matches(recovered)).isFalse();
        assertThat(errorsOnly.matches(ok)).isFalse();
        assertThat(LiveFilter.ALL.matches(recovered)).isTrue();
    }
}
