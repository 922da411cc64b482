package dev.tta.obs.domain.workflow;

import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.KeyNamespaces;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.cost.ModelName;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies a span by the primitive it records and reads the facts a user wants from it. Works
 * from attributes first (TTA.dev, OpenInference, OpenLLMetry, GenAI, Langfuse) and from span names
 * second ({@code RetryPrimitive.execute}, {@code retry.attempt_2}, {@code chat gpt-4o}).
 */
public final class SpanClassifier {
    /** The attributes that name the primitive class, most specific first. */
    static final String[] PRIMITIVE_TYPE_KEYS = {"primitive.type", "tta.primitive.type", "step.primitive_type",
        "branch.primitive_type", "route.primitive_type", "case.primitive_type"};
    private static final Pattern PRIMITIVE_NAME = Pattern.compile("^([A-Za-z0-9_]*Primitive)(?:[.:/ ].*)?$");
    private static final Pattern TTA_SPAN_NAME = Pattern.compile(
            "^(sequential|parallel|conditional|switch|router|route|retry|fallback|saga|cache|timeout|"
                    + "circuit_breaker|circuitbreaker|workflow)\\.(.+)$");

    private SpanClassifier() {
    }

    public static SpanInsight classify(Span span) {
        if (readsAny(span.attributes())) {
            return classify(span, span.attributes());
        }
        // most spans carry none of the attributes the rules read: every lookup would find nothing,
        // so the facts that come from attributes alone are empty, and the rest are read from an
        // empty set (what classify(span, empty) gives, without its ~60 lookups)
        Attributes none = Attributes.empty();
        PrimitiveKind kind = kind(span, none, Optional.empty());
        return new SpanInsight(kind, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                fallback(none, span), timeout(span, none, kind), Optional.empty(), Optional.empty(),
                compensated(span, none), failed(span));
    }

    /** Every rule, reading {@code a} as the span's attributes. */
    static SpanInsight classify(Span span, Attributes a) {
        Optional<String> type = primitiveType(a);
        PrimitiveKind kind = kind(span, a, type);
        return new SpanInsight(kind, type, string(a, "primitive.name").or(() -> string(a, "step.name")),
                cacheHit(a), retry(a), fallback(a, span), timeout(span, a, kind), circuitState(a),
                route(a, kind), compensated(span, a), failed(span));
    }

    /**
     * The namespaces of every span attribute {@link #classify} reads: a span whose keys all lie
     * outside them is classified by its name and status alone.
     */
    static final KeyNamespaces READ_NAMESPACES = new KeyNamespaces("primitive.", "tta.", "step.", "branch.", "route.",
            "case.", "openinference.", "traceloop.", "gen_ai.", "langfuse.", "ai.", "cache", "retry.", "fallback.",
            "timeout.", "circuit", "saga.", "llm.", "workflow.");

    static boolean readsAny(Attributes a) {
        return READ_NAMESPACES.anyIn(a);
    }

    static Optional<String> primitiveType(Attributes a) {
        for (String key : PRIMITIVE_TYPE_KEYS) {
            Optional<String> v = string(a, key);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static PrimitiveKind kind(Span span, Attributes a, Optional<String> type) {
        Optional<PrimitiveKind> k = type.flatMap(SpanClassifier::kindOfPrimitiveClass)
                .or(() -> string(a, "openinference.span.kind").flatMap(SpanClassifier::kindOfOpenInference))
                .or(() -> string(a, "traceloop.span.kind").flatMap(SpanClassifier::kindOfTraceloop))
                .or(() -> string(a, "gen_ai.operation.name").flatMap(SpanClassifier::kindOfGenAiOperation))
                .or(() -> string(a, "langfuse.observation.type").flatMap(SpanClassifier::kindOfLangfuse))
                .or(() -> string(a, "ai.operationId").or(() -> Optional.of(span.name()))
                        .flatMap(SpanClassifier::kindOfVercelAiOperation))
                .or(() -> kindOfSpanName(span.name()))
                .or(() -> kindOfFacts(span, a));
        return k.orElse(PrimitiveKind.OTHER);
    }

    /**
     * The kind the span declares by naming its primitive class, in {@code primitive.type} (or an alias)
     * or as {@code RetryPrimitive.execute}; empty when only its attribute namespace or a generic span
     * name ({@code retry.attempt_2}, {@code cache.lookup}) hints at one. Containers of attempts, branches
     * and lookups are recognised by this, so that their members, named anything, are not taken for
     * containers themselves.
     */
    static Optional<PrimitiveKind> declaredKind(Span span) {
        return declaredClass(span).flatMap(SpanClassifier::kindOfPrimitiveClass);
    }

    /** The primitive class a span names, in an attribute or as its name ({@code OpenAIPrimitive.execute}). */
    static Optional<String> declaredClass(Span span) {
        Optional<String> type = primitiveType(span.attributes());
        if (type.isPresent()) {
            return type;
        }
        if (span.name().contains("Primitive")) {
            Matcher primitive = PRIMITIVE_NAME.matcher(span.name());
            if (primitive.matches()) {
                return Optional.of(primitive.group(1));
            }
        }
        return Optional.empty();
    }

    static Optional<PrimitiveKind> kindOfPrimitiveClass(String className) {
        String c = className.toLowerCase(Locale.ROOT).replace("_", "");
        if (ModelName.providerOfPrimitive(className).isPresent()) {
            // before the keyword checks: OpenRouterPrimitive is an LLM call, not a router
            return Optional.of(PrimitiveKind.LLM);
        }
        if (c.contains("circuitbreaker")) {
            return Optional.of(PrimitiveKind.CIRCUIT_BREAKER);
        }
        if (c.contains("retry")) {
            return Optional.of(PrimitiveKind.RETRY);
        }
        if (c.contains("fallback")) {
            return Optional.of(PrimitiveKind.FALLBACK);
        }
        if (c.contains("timeout")) {
            return Optional.of(PrimitiveKind.TIMEOUT);
        }
        if (c.contains("cache")) {
            return Optional.of(PrimitiveKind.CACHE);
        }
        if (c.contains("saga") || c.contains("compensation")) {
            return Optional.of(PrimitiveKind.SAGA);
        }
        if (c.contains("sequential")) {
            return Optional.of(PrimitiveKind.SEQUENTIAL);
        }
        if (c.contains("parallel")) {
            return Optional.of(PrimitiveKind.PARALLEL);
        }
        if (c.contains("conditional")) {
            return Optional.of(PrimitiveKind.CONDITIONAL);
        }
        if (c.contains("router") || c.contains("switch")) {
            return Optional.of(PrimitiveKind.ROUTER);
        }
        if (c.contains("agent") || c.contains("delegation")) {
            return Optional.of(PrimitiveKind.AGENT);
        }
        if (c.contains("tool")) {
            return Optional.of(PrimitiveKind.TOOL);
        }
        if (c.contains("embedding")) {
            return Optional.of(PrimitiveKind.EMBEDDING);
        }
        if (c.contains("llm") || c.contains("chat")
                || c.contains("model")) {
            return Optional.of(PrimitiveKind.LLM);
        }
        if (c.contains("workflow")) {
            return Optional.of(PrimitiveKind.WORKFLOW);
        }
        return c.endsWith("primitive") ? Optional.of(PrimitiveKind.OTHER) : Optional.empty();
    }

    private static Optional<PrimitiveKind> kindOfOpenInference(String kind) {
        return switch (kind.trim().toUpperCase(Locale.ROOT)) {
            case "LLM" -> Optional.of(PrimitiveKind.LLM);
            case "EMBEDDING" -> Optional.of(PrimitiveKind.EMBEDDING);
            case "RETRIEVER", "RERANKER" -> Optional.of(PrimitiveKind.RETRIEVER);
            case "TOOL" -> Optional.of(PrimitiveKind.TOOL);
            case "AGENT" -> Optional.of(PrimitiveKind.AGENT);
            case "CHAIN" -> Optional.of(PrimitiveKind.WORKFLOW);
            case "GUARDRAIL", "EVALUATOR", "PROMPT" -> Optional.of(PrimitiveKind.OTHER);
            default -> Optional.empty();
        };
    }

    private static Optional<PrimitiveKind> kindOfTraceloop(String kind) {
        return switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "workflow" -> Optional.of(PrimitiveKind.WORKFLOW);
            case "agent" -> Optional.of(PrimitiveKind.AGENT);
            case "tool" -> Optional.of(PrimitiveKind.TOOL);
            case "task" -> Optional.of(PrimitiveKind.OTHER);
            default -> Optional.empty();
        };
    }

    private static Optional<PrimitiveKind> kindOfGenAiOperation(String op) {
        return switch (op.trim().toLowerCase(Locale.ROOT)) {
            case "chat", "text_completion", "generate_content", "completion" -> Optional.of(PrimitiveKind.LLM);
            case "embeddings", "embedding" -> Optional.of(PrimitiveKind.EMBEDDING);
            case "execute_tool" -> Optional.of(PrimitiveKind.TOOL);
            case "invoke_agent", "create_agent" -> Optional.of(PrimitiveKind.AGENT);
            default -> Optional.empty();
        };
    }

    private static Optional<PrimitiveKind> kindOfLangfuse(String type) {
        return switch (type.trim().toLowerCase(Locale.ROOT)) {
            case "generation" -> Optional.of(PrimitiveKind.LLM);
            case "embedding" -> Optional.of(PrimitiveKind.EMBEDDING);
            case "agent" -> Optional.of(PrimitiveKind.AGENT);
            case "tool" -> Optional.of(PrimitiveKind.TOOL);
            case "retriever" -> Optional.of(PrimitiveKind.RETRIEVER);
            case "chain" -> Optional.of(PrimitiveKind.WORKFLOW);
            default -> Optional.empty();
        };
    }

    /**
     * The Vercel AI SDK's operations: {@code ai.generateText.doGenerate} and {@code ai.streamText.doStream}
     * are the provider calls; the outer {@code ai.generateText} spans a whole multi-step exchange and is
     * left to the other rules, so that it is not taken for one more call.
     */
    private static Optional<PrimitiveKind> kindOfVercelAiOperation(String op) {
        if (!op.startsWith("ai.")) {
            return Optional.empty();
        }
        if (op.endsWith(".doGenerate") || op.endsWith(".doStream")) {
            return Optional.of(PrimitiveKind.LLM);
        }
        if (op.endsWith(".doEmbed")) {
            return Optional.of(PrimitiveKind.EMBEDDING);
        }
        if (op.equals("ai.toolCall")) {
            return Optional.of(PrimitiveKind.TOOL);
        }
        return Optional.empty();
    }

    static Optional<PrimitiveKind> kindOfSpanName(String name) {
        if (name.contains("Primitive")) {
            Matcher primitive = PRIMITIVE_NAME.matcher(name);
            if (primitive.matches()) {
                return kindOfPrimitiveClass(primitive.group(1));
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        Matcher tta = name.indexOf('.') > 0 ? TTA_SPAN_NAME.matcher(lower) : null;
        if (tta != null && tta.matches()) {
            return Optional.of(switch (tta.group(1)) {
                case "sequential" -> PrimitiveKind.SEQUENTIAL;
                case "parallel" -> PrimitiveKind.PARALLEL;
                case "conditional" -> PrimitiveKind.CONDITIONAL;
                case "switch", "router", "route" -> PrimitiveKind.ROUTER;
                case "retry" -> PrimitiveKind.RETRY;
                case "fallback" -> PrimitiveKind.FALLBACK;
                case "saga" -> PrimitiveKind.SAGA;
                case "cache" -> PrimitiveKind.CACHE;
                case "timeout" -> PrimitiveKind.TIMEOUT;
                case "circuit_breaker", "circuitbreaker" -> PrimitiveKind.CIRCUIT_BREAKER;
                default -> PrimitiveKind.WORKFLOW;
            });
        }
        if (lower.startsWith("chat ") || lower.startsWith("text_completion ") || lower.startsWith("generate_content ")) {
            return Optional.of(PrimitiveKind.LLM);
        }
        if (lower.startsWith("embeddings ")) {
            return Optional.of(PrimitiveKind.EMBEDDING);
        }
        if (lower.startsWith("execute_tool ")) {
            return Optional.of(PrimitiveKind.TOOL);
        }
        if (lower.startsWith("invoke_agent ") || lower.startsWith("create_agent ")) {
            return Optional.of(PrimitiveKind.AGENT);
        }
        return Optional.empty();
    }

    private static Optional<PrimitiveKind> kindOfFacts(Span span, Attributes a) {
        if (a.get("cache.hit").isPresent()) {
            return Optional.of(PrimitiveKind.CACHE);
        }
        Optional<PrimitiveKind> byNamespace = kindOfAttributeNamespace(a);
        if (byNamespace.isPresent()) {
            return byNamespace;
        }
        if (a.get("route.key").isPresent()) {
            return Optional.of(PrimitiveKind.ROUTER);
        }
        if (a.get("gen_ai.request.model").isPresent() || a.get("llm.model_name").isPresent()
                || a.get("gen_ai.usage.input_tokens").isPresent() || a.get("llm.token_count.prompt").isPresent()) {
            return Optional.of(PrimitiveKind.LLM);
        }
        if (span.parentSpanId().isEmpty() && (a.get("workflow.name").isPresent()
                || a.get("traceloop.workflow.name").isPresent() || a.get("workflow.id").isPresent())) {
            return Optional.of(PrimitiveKind.WORKFLOW);
        }
        return Optional.empty();
    }

    /** The primitive whose attribute namespace a span uses ({@code retry.*}, ...), in one pass over the keys. */
    private static Optional<PrimitiveKind> kindOfAttributeNamespace(Attributes a) {
        PrimitiveKind best = null;
        for (int i = 0, n = a.size(); i < n; i++) {
            String key = a.keyAt(i);
            // the first character rules out most keys before any prefix comparison (every span passes here)
            char first = key.isEmpty() ? ' ' : key.charAt(0);
            PrimitiveKind k = first == 'r' && key.startsWith("retry.") ? PrimitiveKind.RETRY
                    : first == 'f' && key.startsWith("fallback.") ? PrimitiveKind.FALLBACK
                    : first == 's' && key.startsWith("saga.") ? PrimitiveKind.SAGA
                    : first == 'c' && key.startsWith("circuit_breaker.") ? PrimitiveKind.CIRCUIT_BREAKER
                    : null;
            // the same precedence whatever the attribute order: retry before fallback before saga
            if (k != null && (best == null || k.ordinal() < best.ordinal())) {
                best = k;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Optional<Boolean> cacheHit(Attributes a) {
        return a.getBoolean("cache.hit").or(() -> a.getBoolean("tta.cache.hit")).or(() -> a.getBoolean("cache_hit"))
                .or(() -> string(a, "cache.status").flatMap(s -> switch (s.toLowerCase(Locale.ROOT)) {
                    case "hit" -> Optional.of(true);
                    case "miss" -> Optional.of(false);
                    default -> Optional.empty();
                }));
    }

    private static Optional<SpanInsight.RetryFacts> retry(Attributes a) {
        Optional<Integer> attempt = integer(a, "retry.attempt").or(() -> integer(a, "retry.current_attempt"));
        Optional<Integer> max = integer(a, "retry.max_attempts")
                .or(() -> integer(a, "retry.max_retries").map(r -> r + 1));
        Optional<Integer> succeededOn = integer(a, "retry.succeeded_on_attempt");
        Optional<Integer> finalAttempts = integer(a, "retry.final_attempts").or(() -> succeededOn)
                .or(() -> integer(a, "retry.total_attempts")).or(() -> integer(a, "retry.total_attempts_made"));
        Optional<Boolean> succeeded = a.getBoolean("retry.success")
                .or(() -> succeededOn.map(n -> true))
                .or(() -> a.getBoolean("retry.exhausted").filter(Boolean::booleanValue).map(x -> false));
        if (attempt.isEmpty() && max.isEmpty() && finalAttempts.isEmpty() && succeeded.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SpanInsight.RetryFacts(attempt, max, finalAttempts, succeeded));
    }

    private static Optional<SpanInsight.FallbackFacts> fallback(Attributes a, Span span) {
        Optional<Boolean> used = a.getBoolean("fallback.used_fallback")
                .or(() -> string(a, "fallback.execution").map(e -> e.equalsIgnoreCase("fallback")))
                .or(() -> span.name().equalsIgnoreCase("fallback.fallback") ? Optional.of(true) : Optional.empty());
        Optional<String> from = string(a, "fallback.primary_type");
        Optional<String> to = string(a, "fallback.fallback_type");
        Optional<String> error = string(a, "fallback.primary_error");
        if (used.isEmpty() && from.isEmpty() && to.isEmpty() && error.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SpanInsight.FallbackFacts(used.orElse(false), from, to, error));
    }

    private static Optional<SpanInsight.TimeoutFacts> timeout(Span span, Attributes a, PrimitiveKind kind) {
        Optional<Boolean> fired = a.getBoolean("timeout.timed_out").or(() -> a.getBoolean("timeout.exceeded"))
                .or(() -> a.getBoolean("timeout.triggered")).or(() -> a.getBoolean("timeout.fired"));
        Optional<Double> limit = a.getDouble("timeout.seconds").or(() -> a.getDouble("timeout.timeout_seconds"))
                .or(() -> a.getDouble("timeout.ms").map(ms -> ms / 1000.0))
                .or(() -> a.getDouble("timeout.timeout_ms").map(ms -> ms / 1000.0));
        if (fired.isEmpty() && kind == PrimitiveKind.TIMEOUT) {
            // TimeoutPrimitive reports a fired timeout only as an error with a timeout exception
            fired = Optional.of(failed(span) && mentionsTimeout(span, a));
        }
        if (fired.isEmpty() && limit.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SpanInsight.TimeoutFacts(fired.orElse(false), limit));
    }

    private static boolean mentionsTimeout(Span span, Attributes a) {
        String text = (span.status().message() + " " + a.getString("primitive.error").orElse(""))
                .toLowerCase(Locale.ROOT);
        for (SpanEvent e : span.events()) {
            if (e.isException()) {
                text += " " + e.attributes().getString("exception.type").orElse("").toLowerCase(Locale.ROOT)
                        + " " + e.attributes().getString("exception.message").orElse("").toLowerCase(Locale.ROOT);
            }
        }
        return text.contains("timeout") || text.contains("timed out");
    }

    private static Optional<String> circuitState(Attributes a) {
        return string(a, "circuit_breaker.state").or(() -> string(a, "circuit.state"))
                .or(() -> string(a, "circuit_breaker.status"))
                .map(s -> s.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_')
                        .replace("circuitstate.", ""));
    }

    private static Optional<SpanInsight.RouteFacts> route(Attributes a, PrimitiveKind kind) {
        Optional<String> taken = string(a, "route.key").or(() -> string(a, "case.key"))
                .or(() -> string(a, "case.name"))
                .or(() -> kind == PrimitiveKind.CONDITIONAL ? string(a, "branch.name") : Optional.empty())
                .or(() -> a.getBoolean("branch.condition_result").map(b -> b ? "then" : "else"));
        Optional<Boolean> usedDefault = a.getBoolean("route.used_default");
        if (taken.isEmpty() && usedDefault.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SpanInsight.RouteFacts(taken, usedDefault));
    }

    private static Optional<Boolean> compensated(Span span, Attributes a) {
        return a.getBoolean("saga.compensation_triggered")
                .or(() -> string(a, "saga.execution").filter(e -> e.equalsIgnoreCase("compensation")).map(e -> true))
                .or(() -> span.name().equalsIgnoreCase("saga.compensation") ? Optional.of(true) : Optional.empty());
    }

    private static boolean failed(Span span) {
        return span.failed();
    }

    static Optional<String> string(Attributes a, String key) {
        return a.getString(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static Optional<Integer> integer(Attributes a, String key) {
        return a.getLong(key).filter(v -> v >= 0 && v < Integer.MAX_VALUE).map(Long::intValue);
    }
}
