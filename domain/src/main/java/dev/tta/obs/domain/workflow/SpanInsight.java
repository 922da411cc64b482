package dev.tta.obs.domain.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one span tells a user about the workflow, ready to be shown as badges.
 *
 * @param primitiveType the primitive class as reported ({@code AdaptiveRetryPrimitive}), if any
 * @param primitiveName the primitive instance's name, if any
 * @param cacheHit      for cache lookups: hit (true) or miss (false)
 * @param circuitState  for circuit breakers: {@code closed}, {@code open} or {@code half_open}
 * @param compensated   for sagas: whether compensation ran
 * @param failed        the span ended in error (status or {@code primitive.status=error})
 */
public record SpanInsight(
        PrimitiveKind kind,
        Optional<String> primitiveType,
        Optional<String> primitiveName,
        Optional<Boolean> cacheHit,
        Optional<RetryFacts> retry,
        Optional<FallbackFacts> fallback,
        Optional<TimeoutFacts> timeout,
        Optional<String> circuitState,
        Optional<RouteFacts> route,
        Optional<Boolean> compensated,
        boolean failed) {

    public SpanInsight {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(primitiveType, "primitiveType");
        Objects.requireNonNull(primitiveName, "primitiveName");
        Objects.requireNonNull(cacheHit, "cacheHit");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(circuitState, "circuitState");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(compensated, "compensated");
    }

    /**
     * Retry facts.
     *
     * @param attempt       this span's attempt number, 1-based
     * @param maxAttempts   the configured limit, first attempt included
     * @param finalAttempts how many attempts the retry made in the end
     * @param succeeded     whether the retry finally succeeded
     */
    public record RetryFacts(Optional<Integer> attempt, Optional<Integer> maxAttempts, Optional<Integer> finalAttempts,
                             Optional<Boolean> succeeded) {
        public RetryFacts {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(maxAttempts, "maxAttempts");
            Objects.requireNonNull(finalAttempts, "finalAttempts");
            Objects.requireNonNull(succeeded, "succeeded");
        }
    }

    /** Fallback facts: whether the fallback ran, from which primitive to which, and why. */
    public record FallbackFacts(boolean used, Optional<String> from, Optional<String> to,
                                Optional<String> primaryError) {
        public FallbackFacts {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(primaryError, "primaryError");
        }
    }

    /** Timeout facts: whether the limit was hit, and the limit when reported. */
    public record TimeoutFacts(boolean fired, Optional<Double> limitSeconds) {
        public TimeoutFacts {
            Objects.requireNonNull(limitSeconds, "limitSeconds");
        }
    }

    /** Which branch or route a router, switch or conditional took. */
    public record RouteFacts(Optional<String> taken, Optional<Boolean> usedDefault) {
        public RouteFacts {
            Objects.requireNonNull(taken, "taken");
            Objects.requireNonNull(usedDefault, "usedDefault");
        }
    }

    /** Short labels for the UI, in a fixed order: kind first, then what happened. */
    public List<String> badges() {
        List<String> badges = new ArrayList<>();
        if (kind != PrimitiveKind.OTHER) {
            badges.add(kind.label());
        }
        cacheHit.ifPresent(hit -> badges.add(hit ? "cache hit" : "cache miss"));
        retry.ifPresent(r -> {
            Optional<Integer> n = r.finalAttempts().or(r::attempt);
            n.ifPresent(k -> badges.add("attempt " + k + r.maxAttempts().map(max -> " of " + max).orElse("")));
            r.succeeded().ifPresent(ok -> badges.add(ok ? "retry succeeded" : "retries exhausted"));
        });
        fallback.filter(FallbackFacts::used).ifPresent(f -> badges.add("fallback"
                + f.from().map(from -> " " + from).orElse("")
                + f.to().map(to -> " → " + to).orElse("")));
        timeout.filter(TimeoutFacts::fired).ifPresent(t -> badges.add("timed out"));
        circuitState.ifPresent(s -> badges.add("circuit " + s));
        route.flatMap(RouteFacts::taken).ifPresent(r -> badges.add("route " + r));
        route.flatMap(RouteFacts::usedDefault).filter(Boolean::booleanValue).ifPresent(d -> badges.add("default route"));
        compensated.filter(Boolean::booleanValue).ifPresent(c -> badges.add("compensated"));
        if (failed) {
            badges.add("error");
        }
        return badges;
    }
}
