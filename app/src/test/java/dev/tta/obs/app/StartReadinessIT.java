package dev.tta.obs.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OTLP/gRPC server starts on a thread of its own beside the HTTP server's set-up
 * ({@link GrpcEarlyStart}); whoever waits for {@code /api/health} must still find gRPC listening the
 * moment health answers, as a client that exports right after it would otherwise be refused. A gRPC
 * server that takes long to set up ({@link SlowGrpcServer}) makes a health answer that comes too
 * early certain rather than a matter of timing.
 */
class StartReadinessIT {
    @TempDir
    Path dir;

    @Test
    void healthAnswersOnlyOnceOtlpGrpcAcceptsConnections() throws Exception {
        int port = RunningService.freePort();
        int grpcPort = RunningService.freePort();
        StartCommand start = new StartCommand(new PrintStream(OutputStream.nullOutputStream()));
        new CommandLine(start).parseArgs("--port=" + port, "--host=127.0.0.1", "--otlp-http-port=0",
                "--otlp-grpc-port=" + grpcPort, "--data-dir=" + dir, "--max-traces=0", "--retention=0");
        System.setProperty(SlowGrpcServer.PROPERTY, "true");
        CompletableFuture<ApplicationContext> started = CompletableFuture.supplyAsync(() -> start.start(dir));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
                .timeout(Duration.ofSeconds(30)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (!answered(http, health)) {
                assertThat(started).as("the service stopped before it answered").isNotCompletedExceptionally();
                assertThat(System.nanoTime()).as("health never answered 200").isLessThan(deadline);
                Thread.sleep(1);
            }
            try (Socket grpc = new Socket()) {
                // refused (ConnectException) if gRPC were still starting
                grpc.connect(new InetSocketAddress("127.0.0.1", grpcPort), 2000);
                assertThat(grpc.isConnected()).isTrue();
            }
            assertThat(SlowGrpcServer.delayed).as("the gRPC server's set-up was slowed down").isTrue();
        } finally {
            System.clearProperty(SlowGrpcServer.PROPERTY);
            started.join().close();
        }
    }

    /** Holds up the gRPC server's creation, where micronaut-grpc's own start would hold up nothing. */
    @Singleton
    @Requires(property = SlowGrpcServer.PROPERTY, value = "true")
    static final class SlowGrpcServer implements BeanCreatedEventListener<GrpcEmbeddedServer> {
        static final String PROPERTY = "tta.test.slow-grpc-server";
        static volatile boolean delayed;

        @Override
        public GrpcEmbeddedServer onCreated(BeanCreatedEvent<GrpcEmbeddedServer> event) {
            try {
                Thread.sleep(1500);
                delayed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return event.getBean();
        }
    }

    private static boolean answered(HttpClient http, HttpRequest health) throws InterruptedException {
        try {
            return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        }
    }
}
