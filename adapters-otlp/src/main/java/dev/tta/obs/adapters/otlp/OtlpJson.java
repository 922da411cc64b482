package dev.tta.obs.adapters.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * OTLP/JSON. protobuf's JsonFormat does the protobuf JSON mapping (int64 as strings or numbers,
 * enums as integers, lowerCamelCase or snake_case keys), but OTLP/JSON differs in one place:
 * trace and span ids are hex, not base64. JsonFormat would read hex as base64 without an error
 * and store wrong, longer ids, so the ids are rewritten to base64 first.
 */
final class OtlpJson {
    private static final Set<String> ID_FIELDS = Set.of("traceId", "trace_id", "spanId", "span_id",
            "parentSpanId", "parent_span_id");
    // JsonFormat refuses nesting beyond 100; Jackson must not run out of stack before it gets there
    private static final int MAX_NESTING = 200;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build());
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private OtlpJson() {
    }

    /** @throws BadExportException with a message an exporter's author can act on */
    static void merge(java.io.InputStream body, Message.Builder into) throws IOException {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadExportException("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new BadExportException("request body is empty; an export with nothing in it is {}");
        }
        mergeTree(tree, into);
    }

    /** One already-parsed OTLP/JSON document (ids in hex) into a protobuf builder. */
    static void mergeTree(JsonNode tree, Message.Builder into) {
        if (!tree.isObject()) {
            throw new BadExportException("request body must be a JSON object, got " + tree.getNodeType());
        }
        rewriteIds(tree, OtlpJson::base64);
        try {
            PARSER.merge(JSON.writeValueAsString(tree), into);
        } catch (InvalidProtocolBufferException e) {
            throw new BadExportException("request body is not a valid OTLP "
                    + into.getDescriptorForType().getName() + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new BadExportException("request body is not a valid OTLP "
                    + into.getDescriptorForType().getName() + ": " + e.getMessage());
        }
    }

    static byte[] print(Message message) {
        try {
            return PRINTER.print(message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getName(), e);
        }
    }

    private static final JsonFormat.Printer FILE_PRINTER = JsonFormat.printer()
            .omittingInsignificantWhitespace().printingEnumsAsInts();

    /** OTLP/JSON as the OTLP file exporter writes it: integer enums and hex ids, on one line. */
    static String printOtlpJson(Message message) {
        try {
            JsonNode tree = JSON.readTree(FILE_PRINTER.print(message));
            rewriteIds(tree, (field, id) -> java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(id)));
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getName(), e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    /** A google.rpc.Status in its JSON mapping. */
    static byte[] status(int code, String message) {
        ObjectNode status = JSON.createObjectNode();
        status.put("code", code);
        status.put("message", message);
        return status.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Rewrites every id field, wherever it nests: OTLP/JSON ids are hex, protobuf's JSON are base64. */
    private static void rewriteIds(JsonNode node, java.util.function.BinaryOperator<String> rewrite) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (value.isTextual() && ID_FIELDS.contains(field.getKey())) {
                    field.setValue(new TextNode(rewrite.apply(field.getKey(), value.asText())));
                } else if (value.isContainerNode()) {
                    rewriteIds(value, rewrite);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) {
                if (item.isContainerNode()) {
                    rewriteIds(item, rewrite);
                }
            }
        }
    }

    private static String base64(String field, String hex) {
        if (hex.isEmpty()) {
            return hex;
        }
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(OtlpJson::isHex)) {
            throw new BadExportException("'" + field + "' must be a hex string in OTLP/JSON (ids are hex, not base64), got '"
                    + (hex.length() > 40 ? hex.substring(0, 40) + "…" : hex) + "'");
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
