package dev.tta.obs.adapters.jdbc;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.TraceId;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.WorkflowRollup;
import dev.tta.obs.domain.cost.CostStatus;
import dev.tta.obs.domain.cost.ModelUsage;
import dev.tta.obs.ports.contract.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryCodecTest {
    private static final TraceId ID = Fixtures.traceId(3);

    /** Every field set to something other than what the old-signature constructors would fill in. */
    private static TraceSummary summary(RunOutcome outcome) {
        ModelUsage withGap = new ModelUsage("anthropic", "claude-3-5-sonnet-20241022", 3, 1, 1200, 100, 300, 20, 0,
                Optional.empty());
        ModelUsage reported = new ModelUsage("openai", "gpt-4o-mini", 2, 0, 50, 0, 10, 0, 7, Optional.of(0.0012));
        WorkflowRollup rollup = new WorkflowRollup(List.of("retry", "fallback"), 1, 2, 1, 3, 1, 0, 0, 5, 1250, 310,
                100, 20, Optional.of(0.042), CostStatus.PARTIAL, List.of("openai/gpt-x"), List.of(withGap, reported),
                Optional.of("wf-1"), Optional.empty(), Optional.of("session-9"), Optional.of("user-4"));
        return new TraceSummary(ID, "agent.run", "agent", Fixtures.T0, Fixtures.T0 + 5 * Fixtures.MS, 9, 3, true,
                List.of("agent", "tools"), rollup, outcome);
    }

    @Test
    void roundTrip_keepsOutcomeRetryAttemptsCallsWithoutUsageAndTheUser() {
        for (RunOutcome outcome : RunOutcome.values()) {
            TraceSummary s = summary(outcome);
            TraceSummary read = SummaryCodec.decode(ID, SummaryCodec.encode(s)).orElseThrow();
            assertThat(read).isEqualTo(s);
            assertThat(read.outcome()).isEqualTo(outcome);
            assertThat(read.rollup().retryAttempts()).isEqualTo(3);
            assertThat(read.rollup().modelUsage()).extracting(ModelUsage::callsWithoutUsage).containsExactly(1, 0);
            assertThat(read.rollup().userId()).contains("user-4");
        }
    }

    @Test
    void aBlobOfAnotherVersion_isNotGuessed_soTheStoreRecomputesItFromTheSpans() {
        byte[] blob = SummaryCodec.encode(summary(RunOutcome.RECOVERED));
        // version 2 lacked the outcome: read as version 3 it would call a recovered run failed
        blob[0] = 2;
        assertThat(SummaryCodec.decode(ID, blob)).isEmpty();
        // version 3 lacked the user: read as version 4 it would lose it, so it is recomputed too
        blob[0] = 3;
        assertThat(SummaryCodec.decode(ID, blob)).isEmpty();
        blob[0] = 5;
        assertThat(SummaryCodec.decode(ID, blob)).isEmpty();
        assertThat(SummaryCodec.decode(ID, new byte[0])).isEmpty();
    }
}
