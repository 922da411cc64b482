package dev.tta.obs.domain.feedback;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a judgement approves of a run, for the {@code feedback=positive|negative} filter and the
 * dashboard's badges. A label says so when it is one of the common words (up, good, pass, correct,
 * ...; down, bad, fail, wrong, ...); otherwise a score at or above 0.5 is positive and one below
 * negative, the convention of 0..1 evaluators and of thumbs stored as 1 and 0.
 */
public enum FeedbackPolarity {
    POSITIVE(1), NEGATIVE(-1), NEUTRAL(0);

    private static final Set<String> POSITIVE_LABELS = Set.of("up", "thumbs_up", "thumbsup", "good", "positive", "pass",
            "passed", "correct", "yes", "true", "relevant", "helpful", "ok", "accept", "accepted");
    private static final Set<String> NEGATIVE_LABELS = Set.of("down", "thumbs_down", "thumbsdown", "bad", "negative",
            "fail", "failed", "incorrect", "wrong", "no", "false", "irrelevant", "unhelpful", "reject", "rejected",
            "hallucination", "hallucinated", "toxic");

    /** The value stores keep in a column: 1, -1 or 0. */
    public final int sign;

    FeedbackPolarity(int sign) {
        this.sign = sign;
    }

    public static FeedbackPolarity of(Optional<Double> score, Optional<String> label) {
        if (label.isPresent()) {
            String l = label.get().trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
            if (POSITIVE_LABELS.contains(l)) {
                return POSITIVE;
            }
            if (NEGATIVE_LABELS.contains(l)) {
                return NEGATIVE;
            }
        }
        if (score.isPresent()) {
            return score.get() >= 0.5 ? POSITIVE : NEGATIVE;
        }
        return NEUTRAL;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
