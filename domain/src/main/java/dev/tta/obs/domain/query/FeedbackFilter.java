package dev.tta.obs.domain.query;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The trace list's {@code feedback=} filter: traces with any feedback, with none, with a positive
 * or a negative judgement ({@link dev.tta.obs.domain.feedback.FeedbackPolarity}), or with feedback
 * of one name. The score bounds of a search ({@link TraceSearch#scoreBelow()}) apply to feedback
 * of that name when one is given.
 */
public record FeedbackFilter(Kind kind, Optional<String> name) {
    public enum Kind { ANY, NONE, POSITIVE, NEGATIVE, NAMED }

    public FeedbackFilter {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if ((kind == Kind.NAMED) != name.isPresent()) {
            throw new IllegalArgumentException("a name goes with NAMED, and only with it");
        }
    }

    /** {@code any}, {@code none}, {@code positive}, {@code negative} (case-insensitive), or a feedback name. */
    public static FeedbackFilter parse(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("feedback filter must be any, none, positive, negative or a feedback name");
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "any" -> new FeedbackFilter(Kind.ANY, Optional.empty());
            case "none" -> new FeedbackFilter(Kind.NONE, Optional.empty());
            case "positive" -> new FeedbackFilter(Kind.POSITIVE, Optional.empty());
            case "negative" -> new FeedbackFilter(Kind.NEGATIVE, Optional.empty());
            default -> new FeedbackFilter(Kind.NAMED, Optional.of(v));
        };
    }
}
