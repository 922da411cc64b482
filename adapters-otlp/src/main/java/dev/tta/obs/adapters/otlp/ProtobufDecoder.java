package dev.tta.obs.adapters.otlp;

import com.google.protobuf.InvalidProtocolBufferException;

/** Decodes a request's protobuf bytes, over HTTP or gRPC; a parse failure is the request's fault. */
@FunctionalInterface
interface ProtobufDecoder<D> {
    D decode(byte[] body) throws InvalidProtocolBufferException;
}
