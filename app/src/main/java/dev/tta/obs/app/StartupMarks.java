package dev.tta.obs.app;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/** Marks in the start-up profile when each server listens. */
@Singleton
final class StartupMarks implements ApplicationEventListener<ServerStartupEvent> {
    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        StartupProfile.mark(event.getSource() instanceof GrpcEmbeddedServer ? "grpc server" : "http server");
    }
}
