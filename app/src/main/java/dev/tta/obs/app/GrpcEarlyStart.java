package dev.tta.obs.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Starts the OTLP/gRPC server on a thread of its own as soon as the context is up, while the main
 * thread builds the HTTP server, and waits for it just before the HTTP ports open. micronaut-grpc
 * starts it from the HTTP server's startup event instead, on the main thread after the bind, which
 * put the gRPC server's whole set-up in sequence after the HTTP server's. Its listener stays: its
 * call to {@link GrpcEmbeddedServer#start} then finds the server running and does nothing, and it
 * still stops the server with the HTTP server.
 *
 * <p>Readiness stays honest: the HTTP ports, and with them {@code /api/health}, open only once
 * gRPC listens (or has failed, which fails the start with the bind error as before). Only
 * {@code tta-obs start} sets the property; a context that starts no HTTP server starts no gRPC.
 */
@Singleton
@Requires(property = GrpcEarlyStart.PROPERTY, value = "true")
@Requires(property = "grpc.server.enabled", notEquals = "false")
final class GrpcEarlyStart implements ApplicationEventListener<StartupEvent>,
        BeanCreatedEventListener<NettyEmbeddedServer> {
    static final String PROPERTY = "tta.grpc.start-before-http";

    private final ApplicationContext context;
    private volatile CompletableFuture<Void> started;

    GrpcEarlyStart(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                context.getBean(GrpcEmbeddedServer.class).start();
                future.complete(null);
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "tta-obs-grpc-start");
        thread.setDaemon(true);
        started = future;
        thread.start();
    }

    /**
     * The HTTP server is built and about to bind. The gRPC thread never needs that bean, so waiting
     * here while its creation holds it cannot deadlock.
     */
    @Override
    public NettyEmbeddedServer onCreated(BeanCreatedEvent<NettyEmbeddedServer> event) {
        CompletableFuture<Void> future = started;
        if (future != null) {
            try {
                future.join();
            } catch (CompletionException e) {
                // the bind error itself, so that the one-line message names the port as before
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
        return event.getBean();
    }
}
