package dev.tta.obs.adapters.otlp;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@code google.rpc.Status} (code = 1, message = 2), the error body OTLP/HTTP specifies.
 * Written by hand because its generated class lives in a library we otherwise do not need.
 */
final class RpcStatus {
    static final int INVALID_ARGUMENT = 3;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNAVAILABLE = 14;
    static final int UNIMPLEMENTED = 12;
    static final int PERMISSION_DENIED = 7;

    private RpcStatus() {
    }

    static byte[] protobuf(int code, String message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, code);
            out.writeString(2, message);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
