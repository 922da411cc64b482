package dev.tta.obs.adapters.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The fast decoder must give exactly what the generated parser and {@link OtlpSpanMapper} give:
 * the same spans (attribute order included), the same rejections and the same report of what the
 * limits cut, and the same refusal of malformed bodies. Checked on seeded random exports, on the
 * same exports with their fields reordered and unknown fields added, and on corrupted bytes.
 */
class OtlpTraceDecoderTest {
    private static final AttributeLimits SMALL = new AttributeLimits(4, 12);

    @Test
    void randomExportsDecodeExactlyAsTheGeneratedParserAndMapperDo() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 400; i++) {
            byte[] body = randomRequest(random).toByteArray();
            AttributeLimits limits = i % 3 == 0 ? SMALL : AttributeLimits.DEFAULT;
            assertSame(OtlpTraceDecoder.decodeOnly(body, limits), reference(body, limits), "request " + i);
        }
    }

    @Test
    void fieldsInAnyOrderAndUnknownFieldsDecodeOnTheFastPath() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] body = Reorder.request(randomRequest(random).toByteArray(), random);
            AttributeLimits limits = i % 2 == 0 ? SMALL : AttributeLimits.DEFAULT;
            OtlpSpanMapper.Mapped expected = reference(body, limits);
            assertSame(OtlpTraceDecoder.map(body, limits), expected, "request " + i);
            assertSame(OtlpTraceDecoder.decodeOnly(body, limits), expected, "request " + i);
        }
    }

    @Test
    void aResourceAfterItsSpansIsLeftToProtobuf() throws Exception {
        ExportTraceServiceRequest.Builder req = request(span(1)).toBuilder();
        req.getResourceSpansBuilder(0).setResource(Resource.newBuilder().addAttributes(kv("service.name",
                AnyValue.newBuilder().setStringValue("late").build())));
        byte[] canonical = req.build().toByteArray();
        ResourceSpans rs = req.getResourceSpans(0);
        byte[] late = rawRequest(concat(encodeField(2, rs.getScopeSpans(0).toByteArray()),
                encodeField(1, rs.getResource().toByteArray())));

        assertThatThrownBy(() -> OtlpTraceDecoder.decodeOnly(late, AttributeLimits.DEFAULT))
                .isInstanceOf(OtlpTraceDecoder.NotHandled.class);
        OtlpSpanMapper.Mapped mapped = OtlpTraceDecoder.map(late, AttributeLimits.DEFAULT);
        assertSame(mapped, reference(canonical, AttributeLimits.DEFAULT), "resource after spans");
        assertThat(mapped.batch().spans().get(0).serviceName()).isEqualTo("late");
    }

    @Test
    void corruptedBodiesAreRefusedOrReadExactlyAsProtobufDoes() throws Exception {
        Random random = new Random(1234);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] body = randomRequest(random).toByteArray();
            if (body.length == 0) {
                continue;
            }
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(body.length);
                body[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (body[at] ^ (1 << random.nextInt(8)));
            }
            if (random.nextInt(4) == 0) {
                body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
            }
            OtlpSpanMapper.Mapped expected;
            try {
                expected = reference(body, AttributeLimits.DEFAULT);
            } catch (InvalidProtocolBufferException e) {
                refused++;
                byte[] bad = body;
                assertThatThrownBy(() -> OtlpTraceDecoder.map(bad, AttributeLimits.DEFAULT))
                        .as("corrupted request %d", i).isInstanceOf(InvalidProtocolBufferException.class);
                continue;
            }
            assertSame(OtlpTraceDecoder.map(body, AttributeLimits.DEFAULT), expected, "corrupted request " + i);
        }
        assertThat(refused).as("corruptions protobuf refused").isGreaterThan(300);
    }

    @Test
    void invalidUtf8InANameIsRefusedLikeProtobufRefusesIt() {
        byte[] body = request(span(1).setName("ab\u00e9cd")).toByteArray();
        byte[] nameBytes = "ab\u00e9cd".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = indexOf(body, nameBytes);
        body[at + 2] = (byte) 0xc3;
        body[at + 3] = (byte) 0x28; // a lead byte without its continuation
        assertThatThrownBy(() -> OtlpTraceDecoder.map(body, AttributeLimits.DEFAULT))
                .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void aStatusSentTwiceIsMergedAsProtobufMergesIt() throws Exception {
        Span.Builder s = span(1).setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        byte[] once = request(s).toByteArray();
        // the same span followed by a second status field (message only): protobuf merges the two
        ByteArrayOutputStream extra = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(extra);
        out.writeMessage(15, Status.newBuilder().setMessage("boom").build());
        out.flush();
        Span merged = Span.parseFrom(concat(s.build().toByteArray(), extra.toByteArray()));
        assertThat(merged.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(merged))).build().toByteArray();
        byte[] twice = rawRequestWithSpan(concat(s.build().toByteArray(), extra.toByteArray()));

        assertThatThrownBy(() -> OtlpTraceDecoder.decodeOnly(twice, AttributeLimits.DEFAULT))
                .isInstanceOf(OtlpTraceDecoder.NotHandled.class);
        OtlpSpanMapper.Mapped mapped = OtlpTraceDecoder.map(twice, AttributeLimits.DEFAULT);
        assertSame(mapped, reference(body, AttributeLimits.DEFAULT), "merged status");
        assertThat(mapped.batch().spans().get(0).status().message()).isEqualTo("boom");
        assertThat(once).isNotEqualTo(twice);
    }

    @Test
    void aSpanWithABadIdIsRejectedAloneAndTheRestKept() throws Exception {
        byte[] body = request(span(1), span(2).setSpanId(ByteString.copyFrom(new byte[3])), span(3)).toByteArray();
        OtlpSpanMapper.Mapped mapped = OtlpTraceDecoder.decodeOnly(body, AttributeLimits.DEFAULT);
        assertThat(mapped.batch().spans()).hasSize(2);
        assertThat(mapped.rejected()).isEqualTo(1);
        assertThat(mapped.firstError()).isEqualTo("span 'op-2': span_id must be 8 bytes, got 3");
        assertSame(mapped, reference(body, AttributeLimits.DEFAULT), "one bad span");
    }

    // ---- the reference and the comparison

    static OtlpSpanMapper.Mapped reference(byte[] body, AttributeLimits limits) throws InvalidProtocolBufferException {
        return OtlpSpanMapper.map(ExportTraceServiceRequest.parseFrom(body), limits);
    }

    static void assertSame(OtlpSpanMapper.Mapped actual, OtlpSpanMapper.Mapped expected, String what) {
        // equals tells value types apart; toString keeps the attributes' order
        assertThat(actual.batch().spans()).as(what).isEqualTo(expected.batch().spans());
        assertThat(actual.batch().spans().toString()).as(what).isEqualTo(expected.batch().spans().toString());
        assertThat(actual.rejected()).as(what).isEqualTo(expected.rejected());
        assertThat(actual.firstError()).as(what).isEqualTo(expected.firstError());
        assertThat(actual.cuts()).as(what).isEqualTo(expected.cuts());
    }

    // ---- random exports

    static ExportTraceServiceRequest randomRequest(Random r) {
        ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
        int resources = r.nextInt(4);
        for (int i = 0; i < resources; i++) {
            ResourceSpans.Builder rs = ResourceSpans.newBuilder();
            if (r.nextInt(5) > 0) {
                Resource.Builder res = Resource.newBuilder().addAttributes(kv("service.name", AnyValue.newBuilder()
                        .setStringValue(pick(r, "svc-a", "svc-b", "checkout", "\u00fcber-svc")).build()));
                res.addAllAttributes(attributes(r, 0));
                res.setDroppedAttributesCount(r.nextInt(3));
                rs.setResource(res);
            }
            if (r.nextInt(4) == 0) {
                rs.setSchemaUrl("https://opentelemetry.io/schemas/1.21.0");
            }
            int scopes = r.nextInt(3);
            for (int s = 0; s < scopes; s++) {
                ScopeSpans.Builder ss = ScopeSpans.newBuilder();
                if (r.nextBoolean()) {
                    ss.setScope(InstrumentationScope.newBuilder().setName(pick(r, "tta.dev", "io.opentelemetry.okhttp", ""))
                            .setVersion(pick(r, "1.2.0", "")).addAllAttributes(attributes(r, 0))
                            .setDroppedAttributesCount(r.nextInt(2)));
                }
                int spans = r.nextInt(12);
                byte[] trace = bytes(r, 16);
                for (int k = 0; k < spans; k++) {
                    if (r.nextInt(4) == 0) {
                        trace = bytes(r, 16);
                    }
                    ss.addSpans(randomSpan(r, trace));
                }
                rs.addScopeSpans(ss);
            }
            req.addResourceSpans(rs);
        }
        return req.build();
    }

    private static Span randomSpan(Random r, byte[] trace) {
        Span.Builder s = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(r.nextInt(30) == 0 ? bytes(r, r.nextInt(20)) : trace))
                .setSpanId(ByteString.copyFrom(bytes(r, r.nextInt(30) == 0 ? r.nextInt(10) : 8)))
                .setName(text(r))
                .setKindValue(r.nextInt(9))
                .setStartTimeUnixNano(r.nextLong())
                .setEndTimeUnixNano(r.nextInt(3) == 0 ? 0 : r.nextLong())
                .addAllAttributes(attributes(r, 0));
        if (r.nextBoolean()) {
            s.setParentSpanId(ByteString.copyFrom(bytes(r, r.nextInt(30) == 0 ? 5 : 8)));
        }
        if (r.nextInt(5) == 0) {
            s.setTraceState("congo=t61rcWkgMzE");
        }
        if (r.nextInt(4) == 0) {
            s.setDroppedAttributesCount(r.nextInt(5)).setDroppedEventsCount(r.nextInt(5)).setDroppedLinksCount(r.nextInt(5));
        }
        if (r.nextInt(3) > 0) {
            Status.Builder st = Status.newBuilder().setCodeValue(r.nextInt(4));
            if (r.nextBoolean()) {
                st.setMessage(text(r));
            }
            s.setStatus(st);
        }
        if (r.nextInt(3) == 0) {
            s.setFlags(r.nextInt());
        }
        int events = r.nextInt(4) == 0 ? r.nextInt(4) : 0;
        for (int e = 0; e < events; e++) {
            s.addEvents(Span.Event.newBuilder().setTimeUnixNano(r.nextLong()).setName(pick(r, "exception", "retry", ""))
                    .addAllAttributes(attributes(r, 0)).setDroppedAttributesCount(r.nextInt(2)));
        }
        int links = r.nextInt(5) == 0 ? r.nextInt(3) : 0;
        for (int l = 0; l < links; l++) {
            s.addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(bytes(r, r.nextInt(10) == 0 ? 3 : 16)))
                    .setSpanId(ByteString.copyFrom(bytes(r, r.nextInt(10) == 0 ? 9 : 8)))
                    .setTraceState(pick(r, "", "a=b")).addAllAttributes(attributes(r, 0))
                    .setDroppedAttributesCount(r.nextInt(2)).setFlags(r.nextInt(3)));
        }
        return s.build();
    }

    private static List<KeyValue> attributes(Random r, int depth) {
        List<KeyValue> out = new ArrayList<>();
        int n = r.nextInt(depth == 0 ? 9 : 4);
        for (int i = 0; i < n; i++) {
            // a small key space: duplicate keys in one element happen
            String key = pick(r, "gen_ai.request.model", "tta.primitive.type", "http.status_code", "k", "",
                    "llm.token_count.prompt", "caf\u00e9", "retry.attempt", "a.b.c");
            if (r.nextInt(20) == 0) {
                out.add(KeyValue.newBuilder().setKey(key).build()); // no value: OTLP's null
            } else {
                out.add(kv(key, value(r, depth)));
            }
        }
        return out;
    }

    private static AnyValue value(Random r, int depth) {
        AnyValue.Builder v = AnyValue.newBuilder();
        switch (r.nextInt(depth < 3 ? 9 : 6)) {
            case 0, 1 -> v.setStringValue(text(r));
            case 2 -> v.setBoolValue(r.nextBoolean());
            case 3 -> v.setIntValue(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(1000) - 10);
            case 4 -> v.setDoubleValue(r.nextInt(10) == 0 ? Double.NaN : r.nextDouble() * 100);
            case 5 -> v.setBytesValue(ByteString.copyFrom(bytes(r, r.nextInt(30))));
            case 6 -> {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                int n = r.nextInt(7);
                for (int i = 0; i < n; i++) {
                    a.addValues(value(r, depth + 1));
                }
                v.setArrayValue(a);
            }
            case 7 -> v.setKvlistValue(KeyValueList.newBuilder().addAllValues(attributes(r, depth + 1)));
            default -> {
                // an empty AnyValue
            }
        }
        return v.build();
    }

    private static String text(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> "";
            case 1 -> "\u00fcber gro\u00df \u4e2d\u6587 \ud83d\ude00 emoji";
            case 2 -> "x".repeat(r.nextInt(200));
            case 3 -> "a\ud83d\ude00bcdefghijklmnop"; // a surrogate pair across the cut of SMALL (12)
            case 4 -> "abcdefghijk\ud83d\ude00z";
            default -> pick(r, "llm.call", "retry", "cache.get", "workflow-7", "GET /api/traces", "op-" + r.nextInt(50));
        };
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static Span.Builder span(int i) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
                .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) i})).setName("op-" + i)
                .setStartTimeUnixNano(1_000L * i).setEndTimeUnixNano(2_000L * i);
    }

    private static ExportTraceServiceRequest request(Span.Builder... spans) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder();
        for (Span.Builder s : spans) {
            ss.addSpans(s);
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ss)).build();
    }

    /** A request of one resource-spans message whose fields are {@code resourceSpansFields}, as given. */
    private static byte[] rawRequest(byte[] resourceSpansFields) throws IOException {
        return encodeField(1, resourceSpansFields);
    }

    private static byte[] rawRequestWithSpan(byte[] spanBytes) throws IOException {
        return rawRequest(encodeField(2, encodeField(2, spanBytes)));
    }

    private static byte[] encodeField(int number, byte[] value) throws IOException {
        return Reorder.encode(out -> out.writeByteArray(number, value));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return fail("not found");
    }

    /**
     * Rewrites a valid export with each message's fields in a random order (repeated fields keep
     * their own order, which is part of their meaning) and unknown fields of every wire type added.
     */
    private static final class Reorder {
        /** Field numbers holding messages, per message type; the rest are scalars. */
        private static final Map<String, Map<Integer, String>> MESSAGES = Map.of(
                "request", Map.of(1, "resourceSpans"),
                "resourceSpans", Map.of(1, "resource", 2, "scopeSpans"),
                "resource", Map.of(1, "keyValue"),
                "scopeSpans", Map.of(1, "scope", 2, "span"),
                "scope", Map.of(3, "keyValue"),
                "span", Map.of(9, "keyValue", 11, "event", 13, "link", 15, "status"),
                "event", Map.of(3, "keyValue"),
                "link", Map.of(4, "keyValue"),
                "status", Map.of(),
                "keyValue", Map.of(2, "anyValue"));

        static byte[] request(byte[] body, Random r) throws IOException {
            return rewrite(body, "request", r);
        }

        private static byte[] rewrite(byte[] message, String type, Random r) throws IOException {
            UnknownFieldSet fields = UnknownFieldSet.parseFrom(message);
            Map<Integer, String> nested = MESSAGES.getOrDefault(type, Map.of());
            // one queue of encoded fields per field number, drained in a random interleaving
            Map<Integer, List<byte[]>> byNumber = new LinkedHashMap<>();
            for (Map.Entry<Integer, UnknownFieldSet.Field> e : fields.asMap().entrySet()) {
                int number = e.getKey();
                List<byte[]> encoded = new ArrayList<>();
                UnknownFieldSet.Field f = e.getValue();
                for (ByteString b : f.getLengthDelimitedList()) {
                    byte[] value = nested.containsKey(number) && !type.equals("keyValue")
                            ? rewrite(b.toByteArray(), nested.get(number), r) : b.toByteArray();
                    encoded.add(encode(out -> out.writeByteArray(number, value)));
                }
                for (long v : f.getVarintList()) {
                    encoded.add(encode(out -> out.writeUInt64(number, v)));
                }
                for (long v : f.getFixed64List()) {
                    encoded.add(encode(out -> out.writeFixed64(number, v)));
                }
                for (int v : f.getFixed32List()) {
                    encoded.add(encode(out -> out.writeFixed32(number, v)));
                }
                byNumber.put(number, encoded);
            }
            if (!type.equals("anyValue") && r.nextInt(3) == 0) {
                int unknown = 1000 + r.nextInt(100);
                byNumber.put(unknown, List.of(encode(out -> out.writeUInt64(unknown, 7)),
                        encode(out -> out.writeString(unknown + 1, "ignored")),
                        encode(out -> out.writeFixed32(unknown + 2, 3)), encode(out -> out.writeFixed64(unknown + 3, 4))));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (type.equals("resourceSpans") || type.equals("scopeSpans")) {
                // SDKs send the resource (scope) before its spans; the other order is left to protobuf
                for (byte[] first : byNumber.getOrDefault(1, List.of())) {
                    out.write(first);
                }
                byNumber.remove(1);
            }
            List<List<byte[]>> queues = new ArrayList<>();
            for (List<byte[]> q : byNumber.values()) {
                queues.add(new ArrayList<>(q));
            }
            while (!queues.isEmpty()) {
                int q = r.nextInt(queues.size());
                out.write(queues.get(q).remove(0));
                if (queues.get(q).isEmpty()) {
                    queues.remove(q);
                }
            }
            return out.toByteArray();
        }

        private interface Writer {
            void write(CodedOutputStream out) throws IOException;
        }

        private static byte[] encode(Writer w) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        }
    }
}
