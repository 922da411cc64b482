package dev.tta.obs.adapters.mcp;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The renderings an agent reads: they must stay short and never hide that something was cut. */
class TextTest {
    @Test
    void durations_pickAReadableUnit() {
        assertThat(Text.duration(400_000)).isEqualTo("0.40ms");
        assertThat(Text.duration(910_000_000)).isEqualTo("910ms");
        assertThat(Text.duration(3_046_000_000L)).isEqualTo("3.05s");
        assertThat(Text.duration(125_000_000_000L)).isEqualTo("2m05s");
    }

    @Test
    void costs_keepCheapCallsVisible_andUnpricedIsNotZero() {
        assertThat(Text.cost(0.000221)).isEqualTo("$0.000221");
        assertThat(Text.cost(0.0000789)).isEqualTo("$0.000079");
        assertThat(Text.cost(12.5)).isEqualTo("$12.50");
        assertThat(Text.cost(Optional.empty())).isEqualTo("-");
    }

    @Test
    void longValues_areCutWithAMarkerSayingHowMuch() {
        assertThat(Text.cut("short", 10)).isEqualTo("short");
        assertThat(Text.cut("line one\nline two", 100)).isEqualTo("line one line two");
        assertThat(Text.cut("x".repeat(1030), 30)).isEqualTo("x".repeat(30) + "…[cut 1000 chars]");
    }

    @Test
    void tables_alignColumns() {
        StringBuilder out = new StringBuilder();
        new Text.Table("id", "name", "cost").row("1", "a long name", "$1.00").row("22", "b", null).appendTo(out);
        assertThat(out.toString()).isEqualTo("""
                id  name         cost
                1   a long name  $1.00
                22  b            -
                """);
    }
}
