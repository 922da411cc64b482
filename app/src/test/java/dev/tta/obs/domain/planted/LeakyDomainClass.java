package dev.tta.obs.domain.planted;

/** Planted violation: domain code that uses a framework. Only the architecture test loads it. */
public class LeakyDomainClass {
    @io.micronaut.core.annotation.Nullable
    public String note;

    public Object leak() {
        return new picocli.CommandLine(this);
    }
}
