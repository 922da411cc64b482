package dev.tta.obs.app;

import dev.tta.obs.adapters.web.AccessKeys;
import dev.tta.obs.adapters.web.WebSecurity;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * --auth-token and ingest keys on OTLP/gRPC too: the HTTP filter does not see gRPC calls, and an
 * open gRPC port would let anything on the network write traces next to the developer's own. A
 * viewer key is refused: it reads, it does not send.
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
        if (!security.keys().required()) {
            return next.startCall(call, headers);
        }
        Optional<AccessKeys.Role> role = security.keys().roleOfAuthorization(headers.get(AUTHORIZATION));
        if (role.isEmpty()) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "this tta-obs requires its --auth-token or an ingest key: send the header 'authorization: Bearer <token>' "
                            + "(OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20<token>)"));
        }
        // every gRPC service here receives OTLP: the same rule as POST /v1/traces
        Optional<String> refused = AccessKeys.refusal(role.get(), "POST", "/v1/" + call.getMethodDescriptor().getServiceName());
        if (refused.isPresent()) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(refused.get()));
        }
        return next.startCall(call, headers);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
