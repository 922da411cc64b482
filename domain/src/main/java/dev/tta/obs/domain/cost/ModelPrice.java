package dev.tta.obs.domain.cost;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * One model's list price, in US dollars per million tokens.
 *
 * @param provider            canonical provider, or "" for a row that applies whoever serves the model
 * @param model               canonical model name (see {@link ModelName#canonical})
 * @param cachedInputPerMTok  price of input tokens read from the provider's prompt cache; empty: no
 *                            discount known, so they cost as much as other input
 * @param reasoningPerMTok    price of reasoning ("thinking") tokens; empty: billed as output, which is
 *                            how every provider in the bundled table bills them
 * @param source              where the price was read (a provider's pricing page)
 * @param asOf                when the price was read there
 */
public record ModelPrice(
        String provider,
        String model,
        double inputPerMTok,
        double outputPerMTok,
        Optional<Double> cachedInputPerMTok,
        Optional<Double> reasoningPerMTok,
        String source,
        LocalDate asOf) {

    public ModelPrice {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cachedInputPerMTok, "cachedInputPerMTok");
        Objects.requireNonNull(reasoningPerMTok, "reasoningPerMTok");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(asOf, "asOf");
        requireFinitePrice(inputPerMTok, "input");
        requireFinitePrice(outputPerMTok, "output");
        cachedInputPerMTok.ifPresent(p -> requireFinitePrice(p, "cached input"));
        reasoningPerMTok.ifPresent(p -> requireFinitePrice(p, "reasoning"));
    }

    private static void requireFinitePrice(double price, String what) {
        if (!(price >= 0) || Double.isInfinite(price)) {
            throw new IllegalArgumentException(what + " price must be a non-negative number, got " + price);
        }
    }

    /**
     * The cost of one set of tokens. {@code inputTokens} includes {@code cachedInputTokens} and
     * {@code outputTokens} includes {@code reasoningTokens}, as OpenTelemetry GenAI defines them; each
     * token is priced exactly once, and a part larger than its whole is capped at the whole.
     */
    public double costUsd(long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens) {
        long input = Math.max(0, inputTokens);
        long output = Math.max(0, outputTokens);
        long cached = Math.min(Math.max(0, cachedInputTokens), input);
        long reasoning = Math.min(Math.max(0, reasoningTokens), output);
        double micro = (input - cached) * inputPerMTok
                + cached * cachedInputPerMTok.orElse(inputPerMTok)
                + (output - reasoning) * outputPerMTok
                + reasoning * reasoningPerMTok.orElse(outputPerMTok);
        return micro / 1_000_000.0;
    }
}
