package dev.tta.obs.app;

import dev.tta.obs.adapters.web.WebSecurity;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * --auth-token on OTLP/gRPC too: the HTTP filter does not see gRPC calls, and an open gRPC port
 * would let anything on the network write traces next to the developer's own.
 */
@Singleton
final class GrpcAuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final WebSecurity security;

    GrpcAuthInterceptor(WebSecurity security) {
        this.security = security;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (security.authToken().isEmpty()) {
            return next.startCall(call, headers);
        }
        String sent = headers.get(AUTHORIZATION);
        byte[] expected = ("Bearer " + security.authToken().get()).getBytes(StandardCharsets.UTF_8);
        if (sent == null || !MessageDigest.isEqual(expected, sent.getBytes(StandardCharsets.UTF_8))) {
            call.close(Status.UNAUTHENTICATED.withDescription(
                    "this tta-obs requires its --auth-token: send the header 'authorization: Bearer <token>' "
                            + "(OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20<token>)"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
