package dev.tta.obs.ports.in;

import dev.tta.obs.domain.RunOutcome;
import dev.tta.obs.domain.TraceSummary;

import java.util.Locale;
import java.util.Optional;

/**
 * Which trace updates a live subscriber wants. {@code text} is matched case-insensitively as a
 * substring of the root name, the services and the workflow name (the summary, not the spans).
 * {@code errorsOnly} keeps the runs that failed, as the list's "errors only" does; a run that
 * recovered from its errors is not one.
 */
public record LiveFilter(Optional<String> service, boolean errorsOnly, Optional<String> text) {
    public static final LiveFilter ALL = new LiveFilter(Optional.empty(), false, Optional.empty());

    public LiveFilter {
        text = text.map(t -> t.toLowerCase(Locale.ROOT));
    }

    public boolean matches(TraceSummary s) {
        if (service.isPresent() && !s.services().contains(service.get()) && !s.serviceName().equals(service.get())) {
            return false;
        }
        if (errorsOnly && s.outcome() != RunOutcome.FAILED) {
            return false;
        }
        if (text.isPresent()) {
            String t = text.get();
            boolean hit = s.rootName().toLowerCase(Locale.ROOT).contains(t)
                    || s.services().stream().anyMatch(x -> x.toLowerCase(Locale.ROOT).contains(t))
                    || s.rollup().workflowName().filter(w -> w.toLowerCase(Locale.ROOT).contains(t)).isPresent();
            if (!hit) {
                return false;
            }
        }
        return true;
    }
}
