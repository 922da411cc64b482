package dev.tta.obs.ports.planted;

/** Planted violation: a port that knows a concrete adapter. Only the architecture test loads it. */
public class LeakyPort {
    public Object leak() {
        return dev.tta.obs.adapters.sqlite.SqliteTraceStore.class;
    }
}
