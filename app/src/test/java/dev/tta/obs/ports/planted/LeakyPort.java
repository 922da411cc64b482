package dev.tta.obs.ports.planted;

/** Planted violation: a port that knows a concrete adapter and a framework. Only the architecture test loads it. */
@jakarta.inject.Singleton
public class LeakyPort {
    public Object leak() {
        return dev.tta.obs.adapters.sqlite.SqliteTraceStore.class;
    }
}
