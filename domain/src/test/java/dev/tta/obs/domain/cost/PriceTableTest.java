package dev.tta.obs.domain.cost;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PriceTableTest {
    private static final String HEADER = PriceTable.HEADER + "\n";

    @Test
    void bundledTableCoversTheModelsUsersRun() {
        PriceTable t = PriceTable.bundled();
        for (String model : List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o3",
                "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano", "claude-3-5-sonnet", "claude-3-7-sonnet",
                "claude-3-5-haiku", "claude-sonnet-4", "claude-opus-4", "claude-opus-4-1", "claude-sonnet-4-5",
                "claude-haiku-4-5", "claude-opus-4-5", "gemini-1.5-pro", "gemini-1.5-flash", "gemini-2.0-flash",
                "gemini-2.0-flash-lite", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "mistral-large",
                "mistral-small", "llama-3.3-70b-versatile", "llama-3.3-70b-instruct-turbo", "deepseek-chat",
                "deepseek-reasoner", "grok-3", "grok-4")) {
            assertThat(t.find(model, Optional.empty())).as(model).isPresent();
        }
    }

    @Test
    void everyBundledPriceNamesItsSourceAndDate() {
        PriceTable t = PriceTable.bundled();
        assertThat(t.size()).isGreaterThan(40);
        assertThat(t.prices()).allSatisfy(p -> {
            assertThat(p.source()).startsWith("https://");
            assertThat(p.asOf()).isAfter(LocalDate.of(2025, 1, 1));
        });
        assertThat(t.asOf()).isPresent();
    }

    @Test
    void datedModelNamesPriceAsTheirFamily() {
        ModelPrice p = PriceTable.bundled().find("gpt-4o-mini-2024-07-18", Optional.of("openai")).orElseThrow();
        assertThat(p.model()).isEqualTo("gpt-4o-mini");
        assertThat(p.inputPerMTok()).isEqualTo(0.15);
        assertThat(p.outputPerMTok()).isEqualTo(0.60);
    }

    @Test
    void theSameModelOnTwoHostsIsPricedByTheHostThatServedIt() {
        PriceTable t = PriceTable.parse(HEADER
                + "groq\tmeta-llama/llama-4-scout-17b-16e-instruct\t0.11\t0.34\t\t\thttps://groq.com/pricing\t2025-11-01\n"
                + "together\tmeta-llama/Llama-4-Scout-17B-16E-Instruct\t0.18\t0.59\t\t\thttps://together.ai\t2025-11-01\n",
                "test");
        assertThat(t.find("llama-4-scout-17b-16e-instruct", Optional.of("together")).orElseThrow().inputPerMTok())
                .isEqualTo(0.18);
        assertThat(t.find("llama-4-scout-17b-16e-instruct", Optional.of("groq")).orElseThrow().inputPerMTok())
                .isEqualTo(0.11);
        assertThat(t.find("llama-4-scout-17b-16e-instruct", Optional.empty()).orElseThrow().provider()).isEqualTo("groq");
    }

    @Test
    void unknownModelHasNoPrice() {
        assertThat(PriceTable.bundled().find("my-private-finetune", Optional.of("openai"))).isEmpty();
    }

    @Test
    void userFileOverridesBundledRowsAndAddsModels(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(PriceTable.FILE_NAME);
        Files.writeString(file, "# my negotiated prices\n" + HEADER
                + "openai\tgpt-4o\t2.00\t8.00\t1.00\t\thttps://example.com/contract\t2026-01-01\n"
                + "\tmy-finetune\t1\t2\t\t\tinternal\t2026-01-01\n");
        PriceTable merged = PriceTable.bundled().merge(PriceTable.load(file));
        assertThat(merged.find("gpt-4o-2024-08-06", Optional.of("openai")).orElseThrow().inputPerMTok()).isEqualTo(2.00);
        assertThat(merged.find("my-finetune", Optional.of("vllm")).orElseThrow().outputPerMTok()).isEqualTo(2.0);
        assertThat(merged.find("gpt-4o-mini", Optional.empty()).orElseThrow().inputPerMTok()).isEqualTo(0.15);
        assertThat(merged.size()).isEqualTo(PriceTable.bundled().size() + 1);
        assertThat(merged.asOf()).contains(LocalDate.of(2026, 1, 1));
    }

    @Test
    void missingUserFileMeansTheBundledTable(@TempDir Path dir) throws Exception {
        assertThat(PriceTable.bundledWithOverrides(Optional.of(dir.resolve("absent.tsv"))))
                .isEqualTo(PriceTable.bundled());
    }

    @Test
    void badLineIsReportedWithFileAndLineNumber() {
        assertThatThrownBy(() -> PriceTable.parse(HEADER + "openai\tgpt-x\tcheap\t1\t\t\tsrc\t2025-01-01\n", "my.tsv"))
                .isInstanceOf(PriceFileException.class)
                .hasMessageContaining("my.tsv line 2").hasMessageContaining("input_per_mtok");
        assertThatThrownBy(() -> PriceTable.parse("openai\tgpt-x\t1\t1\t\t\tsrc\t2025-01-01\n", "my.tsv"))
                .isInstanceOf(PriceFileException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> PriceTable.parse(HEADER + "openai\tgpt-x\t1\t1\t\t\tsrc\tyesterday\n", "my.tsv"))
                .hasMessageContaining("as_of");
    }

    @Test
    void tsvOutputParsesBackToTheSameTable() {
        PriceTable t = PriceTable.bundled();
        assertThat(PriceTable.parse(t.toTsv(), "round trip")).isEqualTo(t);
    }

    @Test
    void cachedInputIsPricedAtTheCachePriceAndNotAgainAsInput() {
        ModelPrice p = price(2.50, 10.00, Optional.of(1.25), Optional.empty());
        // 1M input of which 400k cached: 600k × $2.50 + 400k × $1.25 = $1.50 + $0.50
        assertThat(p.costUsd(1_000_000, 400_000, 0, 0)).isCloseTo(2.00, within(1e-9));
    }

    @Test
    void reasoningTokensUseTheirOwnPriceOrElseTheOutputPrice() {
        ModelPrice separate = price(1.0, 4.0, Optional.empty(), Optional.of(8.0));
        // 1M output of which 250k reasoning: 750k × $4 + 250k × $8
        assertThat(separate.costUsd(0, 0, 1_000_000, 250_000)).isCloseTo(5.00, within(1e-9));
        ModelPrice asOutput = price(1.0, 4.0, Optional.empty(), Optional.empty());
        assertThat(asOutput.costUsd(0, 0, 1_000_000, 250_000)).isCloseTo(4.00, within(1e-9));
    }

    @Test
    void withoutACachePriceCachedTokensCostAsInput() {
        ModelPrice p = price(1.25, 10.0, Optional.empty(), Optional.empty());
        assertThat(p.costUsd(1_000_000, 500_000, 0, 0)).isCloseTo(1.25, within(1e-9));
    }

    @Test
    void partsLargerThanTheirWholeAreCapped() {
        ModelPrice p = price(1.0, 2.0, Optional.of(0.5), Optional.of(3.0));
        // a buggy SDK reporting more cached than input tokens must not produce negative input
        assertThat(p.costUsd(100_000, 300_000, 100_000, 900_000)).isCloseTo(0.05 + 0.30, within(1e-9));
    }

    @Test
    void reportedCostWinsOverThePriceTable() {
        ModelUsage reported = new ModelUsage("openai", "gpt-4o", 1, 1_000_000, 0, 0, 0, 0, Optional.of(0.42));
        CostSummary s = CostSummary.of(List.of(reported), PriceTable.bundled());
        assertThat(s.costUsd()).contains(0.42);
        assertThat(s.status()).isEqualTo(CostStatus.REPORTED);
    }

    @Test
    void unknownModelIsUnpricedNeverZero() {
        ModelUsage u = new ModelUsage("acme", "acme-1", 1, 1000, 0, 1000, 0, 0, Optional.empty());
        CostSummary s = CostSummary.of(List.of(u), PriceTable.bundled());
        assertThat(s.costUsd()).isEmpty();
        assertThat(s.status()).isEqualTo(CostStatus.UNPRICED);
        assertThat(s.unpricedModels()).containsExactly("acme/acme-1");
    }

    @Test
    void mixOfPricedAndUnpricedIsPartialAndListsTheUnpricedModel() {
        ModelUsage known = new ModelUsage("openai", "gpt-4o", 1, 1_000_000, 0, 0, 0, 0, Optional.empty());
        ModelUsage unknown = new ModelUsage("", "acme-1", 1, 1000, 0, 0, 0, 0, Optional.empty());
        CostSummary s = CostSummary.of(List.of(unknown, known), PriceTable.bundled());
        assertThat(s.status()).isEqualTo(CostStatus.PARTIAL);
        assertThat(s.costUsd().orElseThrow()).isCloseTo(2.50, within(1e-9));
        assertThat(s.unpricedModels()).containsExactly("acme-1");
    }

    @Test
    void tokensWithoutAnInputOutputSplitAreUnpriced() {
        ModelUsage u = new ModelUsage("openai", "gpt-4o", 1, 0, 0, 0, 0, 5000, Optional.empty());
        assertThat(CostSummary.of(List.of(u), PriceTable.bundled()).status()).isEqualTo(CostStatus.UNPRICED);
    }

    @Test
    void noUsageMeansNoCost() {
        assertThat(CostSummary.of(List.of(), PriceTable.bundled())).isEqualTo(CostSummary.NONE);
    }

    private static ModelPrice price(double in, double out, Optional<Double> cached, Optional<Double> reasoning) {
        return new ModelPrice("p", "m", in, out, cached, reasoning, "test", LocalDate.of(2025, 1, 1));
    }
}
