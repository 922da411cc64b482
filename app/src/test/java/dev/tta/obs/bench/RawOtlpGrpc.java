package dev.tta.obs.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * OTLP/gRPC {@code TraceService/Export} with the request as bytes: what an SDK puts on the wire,
 * sent without re-serializing (the load generator) or without having to be a valid message (tests
 * of bad input).
 */
public final class RawOtlpGrpc {
    private static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(RawBytes.INSTANCE).setResponseMarshaller(RawBytes.INSTANCE).build();

    private RawOtlpGrpc() {
    }

    /**
     * @return the encoded response
     * @throws io.grpc.StatusRuntimeException when the server answers with an error status
     */
    public static byte[] export(Channel channel, byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, EXPORT, CallOptions.DEFAULT, request);
    }

    private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
