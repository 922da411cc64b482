package dev.tta.obs.domain.llm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of an LLM conversation, as the UI shows it.
 *
 * @param role       {@code system}, {@code user}, {@code assistant} or {@code tool} (as reported)
 * @param content    the text; parts that are not text appear as a placeholder such as {@code [image]}
 * @param toolCalls  the tools an assistant message asked to call
 * @param toolCallId for a tool message, the call it answers
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, Optional<String> toolCallId) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(toolCallId, "toolCallId");
    }

    public static ChatMessage text(String role, String content) {
        return new ChatMessage(role, content, List.of(), Optional.empty());
    }

    /** A tool call requested by the model; {@code arguments} is the JSON text of the arguments. */
    public record ToolCall(Optional<String> id, String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }
}
