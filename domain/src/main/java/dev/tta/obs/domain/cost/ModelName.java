package dev.tta.obs.domain.cost;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Canonical model and provider names, so that the name an SDK reports
 * ({@code gpt-4o-mini-2024-07-18}, {@code openai/gpt-4o-mini}, {@code anthropic.claude-3-5-sonnet-20240620-v1:0})
 * finds the price row written for the model family ({@code gpt-4o-mini}, {@code claude-3-5-sonnet}).
 *
 * <p>Only suffixes that mark a snapshot of the same model at the same price are removed (dates,
 * {@code -latest}, cloud version tags). Words that change the price, such as {@code -pro},
 * {@code -mini} or {@code -preview}, are kept: a wrong price is worse than "unpriced".
 */
public final class ModelName {
    private static final Pattern BEDROCK_PREFIX =
            Pattern.compile("^(?:(?:us|eu|apac|global)\\.)?(?:anthropic|meta|amazon|cohere|mistral|ai21|deepseek)\\.");
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(?:\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{4}|00\\d)$");
    private static final Pattern OPENAI_O_SERIES = Pattern.compile("^o\\d(?:-.*)?$");
    /** Traces repeat a handful of model names thousands of times; the regex work is done once per name. */
    private static final Map<String, String> CANONICAL = new ConcurrentHashMap<>();
    private static final int CANONICAL_CACHE_LIMIT = 4096;
    private static final Pattern VERSION_SUFFIX = Pattern.compile("(?:-v\\d+(?::\\d+)?|:\\d+|@\\d+|@latest|:latest|-latest)$");

    private ModelName() {
    }

    public static String canonical(String raw) {
        String cached = CANONICAL.get(raw);
        if (cached != null) {
            return cached;
        }
        String result = computeCanonical(raw);
        if (CANONICAL.size() >= CANONICAL_CACHE_LIMIT) {
            // hostile or generated model names must not grow memory without bound
            CANONICAL.clear();
        }
        CANONICAL.put(raw, result);
        return result;
    }

    private static String computeCanonical(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            // "openai/gpt-4o", "models/gemini-1.5-pro", "meta-llama/llama-3.3-70b": the host's namespace
            s = s.substring(slash + 1);
        }
        s = BEDROCK_PREFIX.matcher(s).replaceFirst("");
        String previous;
        do {
            previous = s;
            s = VERSION_SUFFIX.matcher(s).replaceFirst("");
            s = DATE_SUFFIX.matcher(s).replaceFirst("");
        } while (!s.equals(previous) && !s.isEmpty());
        if (s.startsWith("claude")) {
            // OpenRouter writes claude-3.5-sonnet, Anthropic claude-3-5-sonnet: same model
            s = s.replace('.', '-');
        }
        return s.isEmpty() ? raw.trim().toLowerCase(Locale.ROOT) : s;
    }

    /**
     * Whether a model filter finds a call that reported {@code reported}. A family name (one that
     * is its own canonical form, like {@code claude-3-5-sonnet}) finds every snapshot of the family
     * ({@code claude-3-5-sonnet-20241022}, {@code anthropic/claude-3.5-sonnet}); a dated or hosted
     * name finds exactly that name. Case does not matter.
     */
    public static boolean matchesFilter(String filter, String reported) {
        String f = filter.trim().toLowerCase(Locale.ROOT);
        if (f.isEmpty()) {
            return false;
        }
        if (f.equals(reported.trim().toLowerCase(Locale.ROOT))) {
            return true;
        }
        return isFamily(f) && canonical(reported).equals(f);
    }

    /** A name that is already a family's canonical form: a filter on it means the whole family. */
    public static boolean isFamily(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return !n.isEmpty() && canonical(n).equals(n);
    }

    /** The provider in the spelling of the price table ({@code openai}, {@code anthropic}, {@code google}, ...). */
    public static String canonicalProvider(String raw) {
        String p = raw.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "gcp.gemini", "gcp.vertex_ai", "gcp.gen_ai", "vertex_ai", "vertexai", "gemini", "google_genai",
                 "google.genai", "google" -> "google";
            case "az.ai.openai", "azure.ai.openai", "azure_openai", "azure" -> "azure";
            case "az.ai.inference", "azure.ai.inference" -> "azure";
            case "aws.bedrock", "bedrock", "amazon_bedrock" -> "bedrock";
            case "mistral_ai", "mistralai", "mistral" -> "mistral";
            case "x_ai", "xai", "grok" -> "xai";
            case "together_ai", "togetherai", "together" -> "together";
            case "anthropic", "claude" -> "anthropic";
            case "openai" -> "openai";
            case "amazon-bedrock" -> "bedrock";
            case "azure-openai" -> "azure";
            case "vertex" -> "google";
            default -> {
                // the Vercel AI SDK names the provider and its API: openai.chat, anthropic.messages,
                // google.generative-ai; the API part is not a provider of its own
                int dot = p.indexOf('.');
                yield dot > 0 && !p.startsWith("gcp.") && !p.startsWith("az.") && !p.startsWith("aws.")
                        ? canonicalProvider(p.substring(0, dot)) : p;
            }
        };
    }

    /** The provider a model name implies, for spans that name a model but no provider. */
    public static Optional<String> inferProvider(String model) {
        String m = canonical(model);
        if (m.startsWith("gpt-") || m.startsWith("chatgpt") || OPENAI_O_SERIES.matcher(m).matches()
                || m.startsWith("text-embedding") || m.startsWith("davinci") || m.startsWith("babbage")) {
            return Optional.of("openai");
        }
        if (m.startsWith("claude")) {
            return Optional.of("anthropic");
        }
        if (m.startsWith("gemini") || m.startsWith("gemma")) {
            return Optional.of("google");
        }
        if (m.startsWith("mistral") || m.startsWith("ministral") || m.startsWith("codestral")
                || m.startsWith("pixtral") || m.startsWith("open-mistral") || m.startsWith("magistral")) {
            return Optional.of("mistral");
        }
        if (m.startsWith("deepseek")) {
            return Optional.of("deepseek");
        }
        if (m.startsWith("grok")) {
            return Optional.of("xai");
        }
        if (m.startsWith("command")) {
            return Optional.of("cohere");
        }
        return Optional.empty();
    }

    /**
     * The provider behind a TTA.dev LLM primitive class name ({@code AnthropicPrimitive} → anthropic),
     * for primitives that report the class but not the provider.
     */
    public static Optional<String> providerOfPrimitive(String primitiveType) {
        String t = primitiveType.toLowerCase(Locale.ROOT);
        if (!t.endsWith("primitive")) {
            return Optional.empty();
        }
        String stem = t.substring(0, t.length() - "primitive".length());
        return switch (stem) {
            case "openai", "azureopenai" -> Optional.of(stem.equals("openai") ? "openai" : "azure");
            case "anthropic" -> Optional.of("anthropic");
            case "gemini", "google", "vertex" -> Optional.of("google");
            case "groq" -> Optional.of("groq");
            case "ollama" -> Optional.of("ollama");
            case "openrouter" -> Optional.of("openrouter");
            case "litellm" -> Optional.of("litellm");
            case "mistral" -> Optional.of("mistral");
            case "together" -> Optional.of("together");
            case "deepseek" -> Optional.of("deepseek");
            case "xai", "grok" -> Optional.of("xai");
            default -> Optional.empty();
        };
    }
}
