package dev.tta.obs.adapters.mcp;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an agent may send, and the one-line message each wrong value gets. */
class ToolArgsTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static ToolArgs args(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new ToolArgs(m);
    }

    @Test
    void times_areADurationAgoOrAnInstant() {
        assertThat(args("since", "90m").time("since", NOW))
                .contains(ToolArgs.nanos(Instant.parse("2026-06-01T10:30:00Z")));
        assertThat(args("since", "7d").time("since", NOW))
                .contains(ToolArgs.nanos(Instant.parse("2026-05-25T12:00:00Z")));
        assertThat(args("since", "2026-01-01T00:00:00Z").time("since", NOW))
                .contains(ToolArgs.nanos(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(args().time("since", NOW)).isEmpty();
        assertThatThrownBy(() -> args("since", "yesterday").time("since", NOW))
                .isInstanceOf(ToolException.class)
                .hasMessage("since takes a duration ago like 30m, 24h, 7d or a time like 2026-01-01T10:00:00Z, "
                        + "got 'yesterday'");
        assertThatThrownBy(() -> args("since", "-5m").time("since", NOW)).isInstanceOf(ToolException.class);
    }

    @Test
    void integers_acceptJsonNumbersAndDigits_andRefuseTheRest() {
        assertThat(args("limit", 5).integer("limit", 20, 1, 200)).isEqualTo(5);
        assertThat(args("limit", 5.0).integer("limit", 20, 1, 200)).isEqualTo(5);
        assertThat(args("limit", "7").integer("limit", 20, 1, 200)).isEqualTo(7);
        assertThat(args().integer("limit", 20, 1, 200)).isEqualTo(20);
        for (Object bad : new Object[] {0, 201, 2.5, "many"}) {
            assertThatThrownBy(() -> args("limit", bad).integer("limit", 20, 1, 200))
                    .isInstanceOf(ToolException.class)
                    .hasMessageStartingWith("limit must be a whole number from 1 to 200, got ");
        }
    }

    @Test
    void choicesAndFlags_nameWhatIsAllowed() {
        assertThat(args("format", "JSON").json()).isTrue();
        assertThat(args().json()).isFalse();
        assertThatThrownBy(() -> args("format", "xml").json()).hasMessage("format must be text or json, got 'xml'");
        assertThat(args("regressions_only", "true").flag("regressions_only")).isTrue();
        assertThatThrownBy(() -> args("regressions_only", "yes").flag("regressions_only"))
                .hasMessage("regressions_only must be true or false, got 'yes'");
        assertThatThrownBy(() -> args("min_cost_usd", -1).number("min_cost_usd"))
                .hasMessage("min_cost_usd must be a number >= 0, got '-1'");
        assertThatThrownBy(() -> args("trace_id", " ").required("trace_id")).hasMessage("trace_id is required");
    }

    @Test
    void scores_mayBeNegative_butMustBeFinite() {
        assertThat(args("score", -0.5).finite("score")).contains(-0.5);
        assertThat(args("score", "1").finite("score")).contains(1.0);
        assertThat(args().finite("score")).isEmpty();
        assertThatThrownBy(() -> args("score", "NaN").finite("score")).hasMessage("score must be a finite number, got 'NaN'");
        assertThatThrownBy(() -> args("score", "1e999").finite("score"))
                .hasMessage("score must be a finite number, got '1e999'");
    }
}
