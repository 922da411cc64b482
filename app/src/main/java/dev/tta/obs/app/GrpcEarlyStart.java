package dev.tta.obs.app;

import dev.tta.obs.adapters.web.ServiceListening;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Starts the OTLP/gRPC server on a thread of its own as soon as the context is up, while the main
 * thread builds and binds the HTTP server. micronaut-grpc starts it from the HTTP server's startup
 * event instead, on the main thread after the bind, which put the gRPC server's whole set-up after
 * the HTTP server's. Its listener stays: its call to {@link GrpcEmbeddedServer#start} then finds the
 * server started and does nothing, and it still stops the server with the HTTP server.
 *
 * <p>Readiness stays honest: {@code /api/health} answers only once gRPC listens (it waits on
 * {@link #listening}), and the ready line is printed only after {@link JoinBeforeReady}; a gRPC bind
 * failure fails the start with the bind error, as before. Only {@code tta-obs start} sets the
 * property; a context that starts no HTTP server starts no gRPC.
 */
@Singleton
@Requires(property = GrpcEarlyStart.PROPERTY, value = "true")
@Requires(property = "grpc.server.enabled", notEquals = "false")
final class GrpcEarlyStart implements ApplicationEventListener<StartupEvent>, ServiceListening {
    static final String PROPERTY = "tta.grpc.start-before-http";

    private final ApplicationContext context;
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    GrpcEarlyStart(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        Thread thread = new Thread(() -> {
            try {
                GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
                server.start();
                // if micronaut-grpc's listener won the race to start it, this waits for its bind
                server.getServer().getPort();
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "tta-obs-grpc-start");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public CompletableFuture<Void> listening() {
        return started;
    }

    /** Holds the HTTP server's startup event, and so the ready line, until gRPC listens. */
    @Singleton
    @Requires(property = GrpcEarlyStart.PROPERTY, value = "true")
    @Requires(property = "grpc.server.enabled", notEquals = "false")
    static final class JoinBeforeReady implements ApplicationEventListener<ServerStartupEvent> {
        private final GrpcEarlyStart grpc;

        JoinBeforeReady(GrpcEarlyStart grpc) {
            this.grpc = grpc;
        }

        @Override
        public void onApplicationEvent(ServerStartupEvent event) {
            if (event.getSource() instanceof GrpcEmbeddedServer) {
                return;
            }
            try {
                grpc.started.join();
            } catch (CompletionException e) {
                // the bind error itself, so that the one-line message names the port as before
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }
}
