package dev.tta.obs.adapters.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import dev.tta.obs.ports.in.IngestOverloadedException;
import dev.tta.obs.ports.out.StoreUnavailableException;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Answers a gRPC export after its commit, and spells failures the way OTLP/gRPC exporters retry on. */
final class OtlpGrpcFailures {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcFailures.class);

    private OtlpGrpcFailures() {
    }

    static <T> void answer(CompletionStage<T> stored, StreamObserver<T> observer) {
        stored.whenComplete((response, failure) -> {
            if (failure == null) {
                observer.onNext(response);
                observer.onCompleted();
            } else {
                observer.onError(toStatus(failure instanceof CompletionException ? failure.getCause() : failure));
            }
        });
    }

    /**
     * The service with request parsing moved into the call, so an undecodable message is answered
     * {@code INVALID_ARGUMENT}, as OTLP asks (an exporter must not retry it). grpc-java parses with
     * the method's marshaller before any handler runs and turns a failure there into {@code UNKNOWN}
     * ("Application error processing RPC"), which reads as a server fault. The handlers are unchanged.
     */
    static ServerServiceDefinition rejectingUndecodableRequests(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            b.addMethod(parsingInTheCall(m));
        }
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Received, R> parsingInTheCall(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
        MethodDescriptor<Received, R> raw = typed.toBuilder(RawBytes.INSTANCE, typed.getResponseMarshaller()).build();
        ServerCallHandler<Received, R> handler = (call, headers) -> {
            ServerCall.Listener<Q> inner = method.getServerCallHandler().startCall(new TypedCall<>(call, typed), headers);
            return new ServerCall.Listener<>() {
                private boolean rejected;

                @Override
                public void onMessage(Received message) {
                    if (message.tooLarge() != null) {
                        rejected = true;
                        call.close(tooLarge(message.tooLarge()), new Metadata());
                        return;
                    }
                    Q request;
                    try {
                        request = typed.parseRequest(new ByteArrayInputStream(message.bytes()));
                    } catch (RuntimeException e) {
                        rejected = true;
                        call.close(undecodable(e.getCause() != null ? e.getCause() : e), new Metadata());
                        return;
                    }
                    inner.onMessage(request);
                }

                @Override
                public void onHalfClose() {
                    if (!rejected) {
                        inner.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    inner.onCancel();
                }

                @Override
                public void onComplete() {
                    inner.onComplete();
                }

                @Override
                public void onReady() {
                    inner.onReady();
                }
            };
        };
        return ServerMethodDefinition.create(raw, handler);
    }

    /**
     * A unary method that gets the request's bytes and decodes them itself (a trace export goes
     * straight into spans, see {@link OtlpTraceDecoder}), answering an undecodable request {@code
     * INVALID_ARGUMENT} as {@link #rejectingUndecodableRequests} does.
     */
    static <D, R> ServerServiceDefinition decodingRequestBytes(MethodDescriptor<?, R> method,
                                                               ProtobufDecoder<D> decoder,
                                                               Function<D, CompletionStage<R>> export) {
        MethodDescriptor<Received, R> raw = method.toBuilder(RawBytes.INSTANCE, method.getResponseMarshaller()).build();
        return ServerServiceDefinition.builder(MethodDescriptor.extractFullServiceName(method.getFullMethodName()))
                .addMethod(raw, ServerCalls.asyncUnaryCall((body, observer) -> {
                    if (body.tooLarge() != null) {
                        observer.onError(tooLarge(body.tooLarge()).asRuntimeException());
                        return;
                    }
                    D decoded;
                    try {
                        decoded = decoder.decode(body.bytes());
                    } catch (InvalidProtocolBufferException e) {
                        observer.onError(undecodable(e).asRuntimeException());
                        return;
                    }
                    answer(export.apply(decoded), observer);
                }))
                .build();
    }

    private static io.grpc.Status undecodable(Throwable cause) {
        return io.grpc.Status.INVALID_ARGUMENT.withDescription("the request is not a valid OTLP protobuf message ("
                + cause.getMessage() + "); nothing was stored");
    }

    /**
     * Past the size limit after decompression: grpc-java's own check throws from the marshaller,
     * where it would become {@code UNKNOWN} and a logged stack trace; said here as OTLP asks.
     */
    private static io.grpc.Status tooLarge(StatusRuntimeException limit) {
        return io.grpc.Status.RESOURCE_EXHAUSTED.withDescription(limit.getStatus().getDescription()
                + "; send smaller batches or raise --otlp-max-request-bytes; nothing was stored");
    }

    /** A request's bytes, or the size limit it broke while they were read (decompressed). */
    record Received(byte[] bytes, StatusRuntimeException tooLarge) {
    }

    /** The raw call as the typed handler expects it; requests arrive already parsed. */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<Received, R> call;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<Received, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public void close(io.grpc.Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public io.grpc.Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }

    private enum RawBytes implements MethodDescriptor.Marshaller<Received> {
        INSTANCE;

        @Override
        public InputStream stream(Received value) {
            return new ByteArrayInputStream(value.bytes());
        }

        @Override
        public Received parse(InputStream stream) {
            try {
                return new Received(stream.readAllBytes(), null);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
                    return new Received(null, e);
                }
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static StatusRuntimeException toStatus(Throwable e) {
        long retryAfter;
        String message;
        if (e instanceof IngestOverloadedException o) {
            retryAfter = o.retryAfterSeconds();
            message = o.getMessage();
        } else if (e instanceof StoreUnavailableException) {
            retryAfter = 5;
            message = "storage is unavailable, retry later: " + e.getMessage();
        } else {
            LOG.warn("OTLP export failed unexpectedly", e);
            retryAfter = 5;
            message = "could not store the export (" + e.getClass().getSimpleName() + "); retry later";
        }
        // UNAVAILABLE is retryable for every OTLP exporter; RetryInfo tells the ones that read it when
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(io.grpc.Status.Code.UNAVAILABLE.value())
                .setMessage(message)
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(Duration.newBuilder().setSeconds(retryAfter)).build()))
                .build());
    }
}
