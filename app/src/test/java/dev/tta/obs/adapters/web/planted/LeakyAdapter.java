package dev.tta.obs.adapters.web.planted;

/** Planted violation: an adapter that uses another adapter and the app. Only the architecture test loads it. */
public class LeakyAdapter {
    public Object leak() {
        return new Object[] {dev.tta.obs.adapters.sqlite.SqliteTraceStore.class, dev.tta.obs.app.TtaObs.class};
    }
}
