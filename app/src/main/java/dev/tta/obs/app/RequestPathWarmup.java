package dev.tta.obs.app;

/**
 * Loads, on a thread of its own while the context starts, what the first HTTP request would
 * otherwise load while the caller waits. Micronaut's HTTP server records each request as a JDK Flight
 * Recorder event; on Java 17 the first load of any event class makes the JVM set up the recorder's
 * event metadata (hundreds of annotation proxies and generated classes), whether or not a recording
 * runs, and that made the first answer after the ready line several times slower than the next.
 * Best effort: without the class (another Micronaut), nothing happens.
 */
final class RequestPathWarmup {
    private static final String REQUEST_EVENT = "io.micronaut.http.server.netty.handler.Http1RequestEvent";

    private RequestPathWarmup() {
    }

    static void begin() {
        Thread thread = new Thread(() -> {
            try {
                Class.forName(REQUEST_EVENT, true, RequestPathWarmup.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // the first request loads what it needs itself
            }
        }, "tta-obs-request-warmup");
        thread.setDaemon(true);
        thread.start();
    }
}
