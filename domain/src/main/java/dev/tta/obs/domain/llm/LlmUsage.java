package dev.tta.obs.domain.llm;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.KeyNamespaces;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.cost.ModelName;
import dev.tta.obs.domain.cost.ModelUsage;
import dev.tta.obs.domain.json.JsonReader;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model, tokens and reported cost of one LLM call, read from whichever convention the span
 * uses: OpenTelemetry GenAI (current and deprecated names), OpenInference, OpenLLMetry, Langfuse or
 * the Vercel AI SDK ({@code ai.*}; its {@code ai.usage.inputTokens} includes the cached tokens).
 *
 * <p>Token counts follow OpenTelemetry GenAI: {@code inputTokens} includes the cached and
 * cache-creation tokens, {@code outputTokens} includes the reasoning tokens.
 *
 * @param model         canonical model name (the responding model when the span names both)
 * @param reportedModel the model name exactly as the span reported it, for display
 * @param provider      canonical provider, from the span or inferred from the model or primitive
 * @param unsplitTokens tokens known only as a total (no input/output split)
 * @param tokensReported whether the span sent any token count (zero included); a call without
 *                      counts has an unknown cost, not a cost of $0
 */
public record LlmUsage(
        Optional<String> model,
        Optional<String> reportedModel,
        Optional<String> provider,
        long inputTokens,
        long cachedInputTokens,
        long cacheCreationInputTokens,
        long outputTokens,
        long reasoningTokens,
        long unsplitTokens,
        Optional<Double> reportedCostUsd,
        boolean tokensReported) {

    private static final String[] MODEL_KEYS = {"gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
        "langfuse.observation.model.name", "llm.response.model", "llm.request.model", "ai.response.model", "ai.model.id"};
    private static final String[] PROVIDER_KEYS = {"gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system",
        "ai.model.provider"};
    private static final String[] INPUT_KEYS = {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens",
        "llm.token_count.prompt", "llm.usage.prompt_tokens", "ai.usage.inputTokens", "ai.usage.promptTokens"};
    private static final String[] OUTPUT_KEYS = {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
        "llm.token_count.completion", "llm.usage.completion_tokens", "ai.usage.outputTokens", "ai.usage.completionTokens"};
    private static final String[] CACHE_READ_KEYS = {"gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_read_input_tokens", "llm.token_count.prompt_details.cache_read", "ai.usage.cachedInputTokens"};
    // @anthropic-ai/sdk 1.x names the cache writes cache_write, the GenAI conventions cache_creation
    private static final String[] CACHE_WRITE_KEYS = {"gen_ai.usage.cache_creation.input_tokens",
        "gen_ai.usage.cache_creation_input_tokens", "gen_ai.usage.cache_write.input_tokens",
        "llm.token_count.prompt_details.cache_write"};
    private static final String[] REASONING_KEYS = {"gen_ai.usage.reasoning.output_tokens",
        "gen_ai.usage.reasoning_tokens", "llm.token_count.completion_details.reasoning", "llm.usage.reasoning_tokens",
        "ai.usage.reasoningTokens"};
    private static final String[] TOTAL_KEYS = {"llm.usage.total_tokens", "llm.token_count.total",
        "gen_ai.usage.total_tokens", "ai.usage.totalTokens"};
    private static final String[] COST_KEYS = {"gen_ai.usage.cost_usd", "llm.cost.total"};
    private static final String[] PRIMITIVE_TYPE_KEYS = {"primitive.type", "tta.primitive.type"};

    public LlmUsage {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(reportedModel, "reportedModel");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(reportedCostUsd, "reportedCostUsd");
    }

    /** A usage with token counts, as every usage was before calls without counts were kept. */
    public LlmUsage(Optional<String> model, Optional<String> reportedModel, Optional<String> provider, long inputTokens,
                    long cachedInputTokens, long cacheCreationInputTokens, long outputTokens, long reasoningTokens,
                    long unsplitTokens, Optional<Double> reportedCostUsd) {
        this(model, reportedModel, provider, inputTokens, cachedInputTokens, cacheCreationInputTokens, outputTokens,
                reasoningTokens, unsplitTokens, reportedCostUsd, true);
    }

    /**
     * The namespaces of the keys that make a usage (model, token counts, cost): a span with no key
     * in them has none. Provider keys only add to a usage found by these.
     */
    static final KeyNamespaces USAGE_NAMESPACES = new KeyNamespaces("gen_ai.", "llm.", "ai.", "langfuse.");

    /** The usage a span reports, or empty when it carries no model, token count or cost. */
    public static Optional<LlmUsage> from(Span span) {
        Attributes a = span.attributes();
        if (!USAGE_NAMESPACES.anyIn(a)) {
            return Optional.empty();
        }
        Optional<String> rawModel = first(a, MODEL_KEYS);
        Optional<String> model = rawModel.map(ModelName::canonical);

        Optional<Long> input = firstLong(a, INPUT_KEYS);
        Optional<Long> output = firstLong(a, OUTPUT_KEYS);
        Optional<Long> total = firstLong(a, TOTAL_KEYS);
        long cached = firstLong(a, CACHE_READ_KEYS).orElse(0L);
        long cacheWrite = firstLong(a, CACHE_WRITE_KEYS).orElse(0L);
        long reasoning = firstLong(a, REASONING_KEYS).orElse(0L);
        boolean hasTokens = input.isPresent() || output.isPresent() || total.isPresent();

        long in = input.orElse(0L);
        long out = output.orElse(0L);
        long unsplit = 0;
        if (total.isPresent()) {
            if (input.isPresent() && output.isEmpty()) {
                out = Math.max(0, total.get() - in);
            } else if (output.isPresent() && input.isEmpty()) {
                in = Math.max(0, total.get() - out);
            } else if (input.isEmpty()) {
                unsplit = total.get();
            }
        }

        Optional<Map<String, Object>> langfuse = hasTokens ? Optional.empty()
                : a.getString("langfuse.observation.usage_details").flatMap(JsonReader::parseObject);
        if (langfuse.isPresent()) {
            LangfuseUsage lf = LangfuseUsage.of(langfuse.get());
            in = lf.input;
            out = lf.output;
            cached = lf.cached;
            cacheWrite = lf.cacheWrite;
            reasoning = lf.reasoning;
            unsplit = lf.unsplit;
            hasTokens = lf.any;
        }

        Optional<Double> cost = firstDouble(a, COST_KEYS)
                .or(() -> a.getString("langfuse.observation.cost_details").flatMap(LlmUsage::langfuseCost));

        if (model.isEmpty() && !hasTokens && cost.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> provider = first(a, PROVIDER_KEYS).map(ModelName::canonicalProvider)
                .or(() -> first(a, PRIMITIVE_TYPE_KEYS).flatMap(ModelName::providerOfPrimitive))
                .or(() -> model.flatMap(ModelName::inferProvider));
        return Optional.of(new LlmUsage(model, rawModel, provider, Math.max(0, in), Math.max(0, cached),
                Math.max(0, cacheWrite), Math.max(0, out), Math.max(0, reasoning), Math.max(0, unsplit), cost, hasTokens));
    }

    public long totalTokens() {
        return inputTokens + outputTokens + unsplitTokens;
    }

    /** This call as one row of a trace's per-model usage, for a call that answered. */
    public ModelUsage toModelUsage() {
        return toModelUsage(false);
    }

    /**
     * This call as one row of a trace's per-model usage. A call that answered without token counts
     * or a cost is a call of unknown cost; one that {@code failed} without them was refused, and
     * providers do not bill refused requests.
     */
    public ModelUsage toModelUsage(boolean failed) {
        boolean unknown = !tokensReported && reportedCostUsd.isEmpty() && !failed;
        return new ModelUsage(provider.orElse(""), model.orElse(""), 1, unknown ? 1 : 0, inputTokens, cachedInputTokens,
                outputTokens, reasoningTokens, unsplitTokens, reportedCostUsd);
    }

    /** A call span that carries no usage fact at all: a call of an unknown model. */
    public static LlmUsage unknown(Optional<String> provider) {
        return new LlmUsage(Optional.empty(), Optional.empty(), provider, 0, 0, 0, 0, 0, 0, Optional.empty(), false);
    }

    private static Optional<Double> langfuseCost(String json) {
        Optional<Map<String, Object>> map = JsonReader.parseObject(json);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        Optional<Double> total = Optional.ofNullable(map.get().get("total")).flatMap(JsonReader::asNumber);
        if (total.isPresent()) {
            return total;
        }
        double sum = 0;
        boolean any = false;
        for (Object v : map.get().values()) {
            Optional<Double> d = JsonReader.asNumber(v);
            if (d.isPresent()) {
                sum += d.get();
                any = true;
            }
        }
        return any ? Optional.of(sum) : Optional.empty();
    }

    private static Optional<String> first(Attributes a, String[] keys) {
        for (String k : keys) {
            Optional<String> v = a.getString(k).map(String::trim).filter(s -> !s.isEmpty());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> firstLong(Attributes a, String[] keys) {
        for (String k : keys) {
            Optional<Long> v = a.getLong(k);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<Double> firstDouble(Attributes a, String[] keys) {
        for (String k : keys) {
            Optional<Double> v = a.getDouble(k).filter(d -> d >= 0 && !d.isInfinite());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /**
     * Langfuse usage details. Langfuse treats usage types as disjoint (its total is their sum), so
     * "input" excludes cached tokens unless the reported total shows the SDK sent inclusive counts.
     */
    private static final class LangfuseUsage {
        long input;
        long output;
        long cached;
        long cacheWrite;
        long reasoning;
        long unsplit;
        boolean any;

        static LangfuseUsage of(Map<String, Object> m) {
            LangfuseUsage u = new LangfuseUsage();
            long in = num(m, "input", "prompt_tokens", "input_tokens", "promptTokens");
            long out = num(m, "output", "completion_tokens", "output_tokens", "completionTokens");
            long total = num(m, "total", "total_tokens", "totalTokens");
            long cached = num(m, "input_cached_tokens", "cache_read_input_tokens", "input_cache_read", "cached_tokens");
            long write = num(m, "input_cache_creation", "cache_creation_input_tokens");
            long reasoning = num(m, "output_reasoning_tokens", "output_reasoning", "reasoning_tokens");
            u.any = in + out + total + cached + write + reasoning > 0;
            boolean inclusive = total > 0 && total == in + out && (cached + write + reasoning) > 0;
            u.cached = cached;
            u.cacheWrite = write;
            u.reasoning = reasoning;
            u.input = inclusive ? in : in + cached + write;
            u.output = inclusive ? out : out + reasoning;
            if (u.input == 0 && u.output == 0 && total > 0) {
                u.unsplit = total;
            }
            return u;
        }

        private static long num(Map<String, Object> m, String... keys) {
            for (String k : keys) {
                Object v = m.get(k);
                if (v != null) {
                    Optional<Double> d = JsonReader.asNumber(v);
                    if (d.isPresent() && d.get() >= 0) {
                        return d.get().longValue();
                    }
                }
            }
            return 0;
        }
    }
}
