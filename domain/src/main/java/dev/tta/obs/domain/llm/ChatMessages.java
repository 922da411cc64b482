package dev.tta.obs.domain.llm;

import dev.tta.obs.domain.AttributeValue;
import dev.tta.obs.domain.Attributes;
import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.SpanEvent;
import dev.tta.obs.domain.json.JsonReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conversation of an LLM span, whichever convention carried it. Sources are tried newest
 * first and the first that yields messages is used, because instrumentations that emit two
 * conventions at once would otherwise show every message twice. A malformed value is skipped.
 */
public final class ChatMessages {
    private static final Pattern OPENINFERENCE = Pattern.compile(
            "^llm\\.(input|output)_messages\\.(\\d+)\\.message\\.(.+)$");
    private static final Pattern LEGACY = Pattern.compile("^gen_ai\\.(prompt|completion)\\.(\\d+)\\.(.+)$");
    private static final Pattern INDEXED_TOOL_CALL = Pattern.compile("^tool_calls\\.(\\d+)\\.(?:tool_call\\.)?(.+)$");
    private static final Pattern CONTENT_PART = Pattern.compile("^contents\\.(\\d+)\\.message_content\\.text$");

    private ChatMessages() {
    }

    public static List<ChatMessage> from(Span span) {
        return from(span, List.of());
    }

    /**
     * The conversation of a span, also reading GenAI message events that arrived apart from it:
     * {@code correlated} are the log records written in the span (by trace and span id) as events,
     * their body under the attribute {@code body} (see {@link #logRecordEvent}). The OpenTelemetry
     * OpenAI instrumentation, for one, sends its prompts and answers only that way.
     */
    public static List<ChatMessage> from(Span span, List<SpanEvent> correlated) {
        List<ChatMessage> messages = fromGenAiJson(span.attributes());
        if (messages.isEmpty()) {
            messages = fromVercelAi(span.attributes());
        }
        if (messages.isEmpty()) {
            List<SpanEvent> events = span.events();
            if (!correlated.isEmpty()) {
                events = new ArrayList<>(events);
                events.addAll(correlated);
                // the conversation's order is the events' order in time, wherever each arrived
                events.sort(java.util.Comparator.comparing(SpanEvent::timeUnixNano, Long::compareUnsigned));
            }
            messages = fromEvents(events);
        }
        if (messages.isEmpty()) {
            messages = fromFlattened(span.attributes(), OPENINFERENCE, "input", "user", "assistant");
        }
        if (messages.isEmpty()) {
            messages = fromFlattened(span.attributes(), LEGACY, "prompt", "user", "assistant");
        }
        if (messages.isEmpty()) {
            messages = new ArrayList<>();
            messages.addAll(fromJsonValue(span.attributes().getString("langfuse.observation.input"), "user"));
            messages.addAll(fromJsonValue(span.attributes().getString("langfuse.observation.output"), "assistant"));
        }
        if (messages.isEmpty()) {
            // generic payloads (OpenInference input.value, OpenLLMetry entity input) are often not chat
            // at all: only take them when they are recognisably a list of role-tagged messages
            messages = new ArrayList<>();
            messages.addAll(roleTagged(span.attributes().getString("input.value")
                    .or(() -> span.attributes().getString("traceloop.entity.input")), "user"));
            messages.addAll(roleTagged(span.attributes().getString("output.value")
                    .or(() -> span.attributes().getString("traceloop.entity.output")), "assistant"));
        }
        return List.copyOf(messages);
    }

    private static List<ChatMessage> roleTagged(Optional<String> text, String defaultRole) {
        Optional<Object> parsed = text.flatMap(JsonReader::parse);
        if (parsed.isEmpty()) {
            return List.of();
        }
        Object value = parsed.get();
        if (value instanceof Map<?, ?> map) {
            value = map.get("messages");
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            return List.of();
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("role") instanceof String)) {
                return List.of();
            }
        }
        List<ChatMessage> out = new ArrayList<>();
        list.forEach(item -> message(item, defaultRole).ifPresent(out::add));
        return out;
    }

    private static List<ChatMessage> fromGenAiJson(Attributes a) {
        List<ChatMessage> out = new ArrayList<>();
        a.getString("gen_ai.system_instructions").ifPresent(text -> {
            Optional<Object> parsed = JsonReader.parse(text);
            if (parsed.isPresent() && parsed.get() instanceof List<?> parts) {
                String content = partsText(parts, new ArrayList<>(), new String[1]);
                out.add(ChatMessage.text("system", content));
            } else if (!text.isBlank()) {
                out.add(ChatMessage.text("system", text));
            }
        });
        out.addAll(fromJsonValue(a.getString("gen_ai.input.messages"), "user"));
        out.addAll(fromJsonValue(a.getString("gen_ai.output.messages"), "assistant"));
        return out;
    }

    private static List<ChatMessage> fromJsonValue(Optional<String> text, String defaultRole) {
        if (text.isEmpty()) {
            return List.of();
        }
        Optional<Object> parsed = JsonReader.parse(text.get());
        if (parsed.isEmpty()) {
            return List.of();
        }
        List<ChatMessage> out = new ArrayList<>();
        Object value = parsed.get();
        if (value instanceof Map<?, ?> map && map.get("messages") instanceof List<?> inner) {
            value = inner;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                message(item, defaultRole).ifPresent(out::add);
            }
        } else {
            message(value, defaultRole).ifPresent(out::add);
        }
        return out;
    }

    /** A message in any of the JSON shapes in use: GenAI parts, OpenAI content/tool_calls, Anthropic blocks. */
    static Optional<ChatMessage> message(Object value, String defaultRole) {
        if (value instanceof String s) {
            return Optional.of(ChatMessage.text(defaultRole, s));
        }
        Optional<Map<String, Object>> obj = JsonReader.asObject(value);
        if (obj.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> m = obj.get();
        if (m.get("message") instanceof Map<?, ?> inner && !m.containsKey("role")) {
            // an OpenAI choice or a gen_ai.choice event body wraps the message
            return message(inner, defaultRole);
        }
        String role = JsonReader.asString(m.get("role")).orElse(defaultRole);
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        String[] toolCallId = new String[1];
        String content = "";
        Object parts = m.get("parts");
        Object c = m.get("content");
        if (parts instanceof List<?> list) {
            content = partsText(list, calls, toolCallId);
        } else if (c instanceof List<?> list) {
            content = partsText(list, calls, toolCallId);
        } else if (c instanceof String s) {
            content = s;
        } else if (c != null && c != JsonReader.NULL) {
            content = JsonReader.write(c);
        }
        if (m.get("tool_calls") instanceof List<?> tc) {
            for (Object t : tc) {
                toolCall(t).ifPresent(calls::add);
            }
        }
        Optional<String> callId = JsonReader.asString(m.get("tool_call_id"))
                .or(() -> Optional.ofNullable(toolCallId[0]));
        return Optional.of(new ChatMessage(role, content, calls, callId));
    }

    private static String partsText(List<?> parts, List<ChatMessage.ToolCall> calls, String[] toolCallId) {
        StringBuilder sb = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                append(sb, s);
                continue;
            }
            Optional<Map<String, Object>> part = JsonReader.asObject(p);
            if (part.isEmpty()) {
                continue;
            }
            Map<String, Object> m = part.get();
            String type = JsonReader.asString(m.get("type")).orElse("text");
            switch (type) {
                case "text", "input_text", "output_text" -> append(sb,
                        JsonReader.asString(m.get("content")).or(() -> JsonReader.asString(m.get("text"))).orElse(""));
                case "tool_call", "tool_use", "function_call", "tool-call" -> toolCall(m).ifPresent(calls::add);
                case "tool_call_response", "tool_result", "function_call_output", "tool-result" -> {
                    JsonReader.asString(m.get("id")).or(() -> JsonReader.asString(m.get("tool_use_id")))
                            .or(() -> JsonReader.asString(m.get("toolCallId")))
                            .ifPresent(id -> toolCallId[0] = id);
                    Object r = m.containsKey("response") ? m.get("response")
                            : m.containsKey("content") ? m.get("content")
                            : m.containsKey("output") ? vercelOutput(m.get("output")) : m.get("result");
                    // a result may be content blocks itself (Anthropic tool_result content, the Anthropic
                    // SDK's tool_call_response): its text is what the model was given, not the JSON around it
                    append(sb, r instanceof String s ? s : r instanceof List<?> blocks && isTextBlocks(blocks)
                            ? partsText(blocks, new ArrayList<>(), new String[1])
                            : r == null ? "" : JsonReader.write(r));
                }
                case "reasoning", "thinking" -> {
                    // a model's hidden reasoning is not part of the conversation the user sees
                }
                default -> append(sb, "[" + type + "]");
            }
        }
        return sb.toString();
    }

    /** Text content blocks only: anything else (an image, a JSON result) is shown as JSON. */
    private static boolean isTextBlocks(List<?> blocks) {
        for (Object b : blocks) {
            Optional<Map<String, Object>> m = JsonReader.asObject(b);
            if (!(b instanceof String) && (m.isEmpty() || !"text".equals(JsonReader.asString(m.get().get("type")).orElse("")))) {
                return false;
            }
        }
        return !blocks.isEmpty();
    }

    /** The Vercel AI SDK wraps a tool result as {@code {"type": "text"|"json", "value": ...}}. */
    private static Object vercelOutput(Object output) {
        Optional<Map<String, Object>> o = JsonReader.asObject(output);
        return o.isPresent() && o.get().containsKey("value") ? o.get().get("value") : output;
    }

    private static void append(StringBuilder sb, String s) {
        if (s.isEmpty()) {
            return;
        }
        if (sb.length() > 0) {
            sb.append('\n');
        }
        sb.append(s);
    }

    private static Optional<ChatMessage.ToolCall> toolCall(Object value) {
        Optional<Map<String, Object>> obj = JsonReader.asObject(value);
        if (obj.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> m = obj.get();
        Map<String, Object> fn = JsonReader.asObject(m.get("function")).orElse(m);
        // OpenAI and GenAI say name/arguments, Anthropic name/input, the Vercel AI SDK toolName/input or args
        Optional<String> name = JsonReader.asString(fn.get("name")).or(() -> JsonReader.asString(fn.get("toolName")));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Object args = fn.containsKey("arguments") ? fn.get("arguments")
                : fn.containsKey("input") ? fn.get("input") : fn.get("args");
        String argText = args instanceof String s ? s : args == null ? "" : JsonReader.write(args);
        Optional<String> id = JsonReader.asString(m.get("id")).or(() -> JsonReader.asString(m.get("toolCallId")));
        return Optional.of(new ChatMessage.ToolCall(id, name.get(), argText));
    }

    /**
     * A log record as a span event for {@link #from(Span, List)}: its event name (the record's
     * {@code event_name}, else its {@code event.name} attribute) and its attributes, with the body
     * under {@code body}. Empty for a record that is not a GenAI message event.
     */
    public static Optional<SpanEvent> logRecordEvent(long timeUnixNano, String eventName, Attributes attributes,
                                                     Optional<AttributeValue> body) {
        String name = eventName.isEmpty() ? attributes.getString("event.name").orElse("") : eventName;
        if (role(name).isEmpty()) {
            return Optional.empty();
        }
        Attributes.Builder b = Attributes.builder(attributes.size() + 1);
        attributes.asMap().forEach(b::put);
        body.ifPresent(v -> b.put("body", v));
        return Optional.of(new SpanEvent(timeUnixNano, name, b.build(), 0));
    }

    private static String role(String eventName) {
        return switch (eventName) {
            case "gen_ai.system.message" -> "system";
            case "gen_ai.user.message", "gen_ai.content.prompt" -> "user";
            case "gen_ai.assistant.message", "gen_ai.choice", "gen_ai.content.completion" -> "assistant";
            case "gen_ai.tool.message" -> "tool";
            default -> "";
        };
    }

    private static List<ChatMessage> fromEvents(List<SpanEvent> events) {
        List<ChatMessage> out = new ArrayList<>();
        for (SpanEvent e : events) {
            Attributes a = e.attributes();
            String role = role(e.name());
            if (role.isEmpty()) {
                // a bridge that turned log records into span events may keep the name as an attribute
                role = role(a.getString("event.name").orElse(""));
            }
            if (role.isEmpty()) {
                continue;
            }
            Optional<AttributeValue> body = a.get("gen_ai.event.content").or(() -> a.get("message"))
                    .or(() -> a.get("body")).or(() -> a.get("gen_ai.prompt")).or(() -> a.get("gen_ai.completion"));
            Optional<Object> json = body.flatMap(ChatMessages::json);
            if (json.isPresent()) {
                Optional<ChatMessage> parsed = message(json.get(), role);
                if (parsed.isPresent() && (json.get() instanceof Map<?, ?> || json.get() instanceof String)) {
                    out.add(withToolCallId(parsed.get(), a, json.get()));
                    continue;
                }
                if (json.get() instanceof List<?> list) {
                    String r = role;
                    list.forEach(item -> message(item, r).ifPresent(out::add));
                    continue;
                }
            }
            String content = a.getString("content").orElse("");
            List<ChatMessage.ToolCall> calls = new ArrayList<>();
            a.get("tool_calls").flatMap(ChatMessages::json).flatMap(JsonReader::asList)
                    .ifPresent(list -> list.forEach(t -> toolCall(t).ifPresent(calls::add)));
            out.add(new ChatMessage(a.getString("role").orElse(role), content, calls, a.getString("id")));
        }
        return out;
    }

    /** A tool message's body names its call as {@code id}, which {@link #message} does not read. */
    private static ChatMessage withToolCallId(ChatMessage m, Attributes eventAttributes, Object body) {
        if (m.toolCallId().isPresent() || !m.role().equals("tool")) {
            return m;
        }
        Optional<String> id = eventAttributes.getString("id")
                .or(() -> JsonReader.asObject(body).flatMap(b -> JsonReader.asString(b.get("id"))));
        return id.isEmpty() ? m : new ChatMessage(m.role(), m.content(), m.toolCalls(), id);
    }

    /** An attribute value as JSON: a string holding JSON is parsed, a map or array converted; plain text stays text. */
    private static Optional<Object> json(AttributeValue v) {
        if (v instanceof AttributeValue.StringValue s) {
            String t = s.value().trim();
            if (t.startsWith("{") || t.startsWith("[")) {
                Optional<Object> parsed = JsonReader.parse(t);
                if (parsed.isPresent()) {
                    return parsed;
                }
            }
            return Optional.of(s.value());
        }
        return Optional.of(toJson(v));
    }

    private static Object toJson(AttributeValue v) {
        if (v instanceof AttributeValue.MapValue m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.values().asMap().forEach((k, x) -> out.put(k, toJson(x)));
            return out;
        }
        if (v instanceof AttributeValue.ArrayValue arr) {
            List<Object> out = new ArrayList<>();
            arr.values().forEach(x -> out.add(toJson(x)));
            return out;
        }
        if (v instanceof AttributeValue.StringValue s) {
            return s.value();
        }
        if (v instanceof AttributeValue.LongValue l) {
            return l.value();
        }
        if (v instanceof AttributeValue.DoubleValue d) {
            return d.value();
        }
        if (v instanceof AttributeValue.BoolValue b) {
            return b.value();
        }
        return v.asText();
    }

    /**
     * The Vercel AI SDK's own attributes: {@code ai.prompt.messages} (JSON, the messages sent, with
     * content parts {@code text}, {@code tool-call}, {@code tool-result}), else {@code ai.prompt}
     * ({@code {"system", "prompt", "messages"}}), then the answer as {@code ai.response.text} and
     * {@code ai.response.toolCalls} (JSON {@code [{"toolCallId", "toolName", "input"|"args"}]}).
     */
    private static List<ChatMessage> fromVercelAi(Attributes a) {
        List<ChatMessage> out = new ArrayList<>();
        Optional<String> messages = a.getString("ai.prompt.messages");
        if (messages.isPresent()) {
            out.addAll(fromJsonValue(messages, "user"));
        } else {
            a.getString("ai.prompt").flatMap(JsonReader::parseObject).ifPresent(prompt -> {
                JsonReader.asString(prompt.get("system")).ifPresent(sys -> out.add(ChatMessage.text("system", sys)));
                if (prompt.get("messages") instanceof List<?> list) {
                    list.forEach(item -> message(item, "user").ifPresent(out::add));
                }
                JsonReader.asString(prompt.get("prompt")).ifPresent(p -> out.add(ChatMessage.text("user", p)));
            });
        }
        Optional<String> text = a.getString("ai.response.text");
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        a.getString("ai.response.toolCalls").flatMap(JsonReader::parse).flatMap(JsonReader::asList)
                .ifPresent(list -> list.forEach(t -> toolCall(t).ifPresent(calls::add)));
        if (out.isEmpty() && text.isEmpty() && calls.isEmpty()) {
            return List.of();
        }
        if (text.isPresent() || !calls.isEmpty()) {
            out.add(new ChatMessage("assistant", text.orElse(""), calls, Optional.empty()));
        }
        return out;
    }

    /** Messages flattened into indexed attributes (OpenInference, OpenLLMetry's legacy prompt/completion). */
    private static List<ChatMessage> fromFlattened(Attributes a, Pattern pattern, String inputWord,
                                                   String inputRole, String outputRole) {
        TreeMap<Integer, Map<String, AttributeValue>> inputs = new TreeMap<>();
        TreeMap<Integer, Map<String, AttributeValue>> outputs = new TreeMap<>();
        for (Map.Entry<String, AttributeValue> e : a.asMap().entrySet()) {
            Matcher m = pattern.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(m.group(2));
            } catch (NumberFormatException ex) {
                continue;
            }
            var target = m.group(1).equals(inputWord) ? inputs : outputs;
            target.computeIfAbsent(index, k -> new TreeMap<>()).put(m.group(3), e.getValue());
        }
        List<ChatMessage> out = new ArrayList<>();
        inputs.values().forEach(fields -> out.add(flattened(fields, inputRole)));
        outputs.values().forEach(fields -> out.add(flattened(fields, outputRole)));
        return out;
    }

    private static ChatMessage flattened(Map<String, AttributeValue> fields, String defaultRole) {
        String role = text(fields.get("role")).orElse(defaultRole);
        String content = text(fields.get("content")).orElse("");
        TreeMap<Integer, String> parts = new TreeMap<>();
        TreeMap<Integer, Map<String, String>> calls = new TreeMap<>();
        for (Map.Entry<String, AttributeValue> f : fields.entrySet()) {
            Matcher part = CONTENT_PART.matcher(f.getKey());
            if (part.matches()) {
                parts.put(Integer.parseInt(part.group(1)), f.getValue().asText());
            }
            Matcher call = INDEXED_TOOL_CALL.matcher(f.getKey());
            if (call.matches()) {
                calls.computeIfAbsent(Integer.parseInt(call.group(1)), k -> new TreeMap<>())
                        .put(call.group(2), f.getValue().asText());
            }
        }
        if (content.isEmpty() && !parts.isEmpty()) {
            content = String.join("\n", parts.values());
        }
        if (content.startsWith("[")) {
            // OpenLLMetry writes multi-part content as a JSON list of parts
            Optional<List<Object>> list = JsonReader.parse(content).flatMap(JsonReader::asList);
            if (list.isPresent()) {
                content = partsText(list.get(), new ArrayList<>(), new String[1]);
            }
        }
        List<ChatMessage.ToolCall> toolCalls = new ArrayList<>();
        for (Map<String, String> c : calls.values()) {
            String name = c.getOrDefault("function.name", c.getOrDefault("name", ""));
            if (!name.isEmpty()) {
                String args = c.getOrDefault("function.arguments", c.getOrDefault("arguments", ""));
                toolCalls.add(new ChatMessage.ToolCall(Optional.ofNullable(c.get("id")), name, args));
            }
        }
        return new ChatMessage(role, content, toolCalls, text(fields.get("tool_call_id")));
    }

    private static Optional<String> text(AttributeValue v) {
        return v == null ? Optional.empty() : Optional.of(v.asText());
    }
}
