package dev.tta.obs.domain.compare;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.llm.ChatMessage;
import dev.tta.obs.domain.llm.ChatMessages;

import java.util.ArrayList;
import java.util.List;

/** The messages and outputs of two matched LLM calls as lines, and their diff. */
public final class LlmCallDiff {
    private LlmCallDiff() {
    }

    /** A call's conversation as text lines: "role: first line", continuation lines indented, tool calls. */
    public static List<String> lines(List<ChatMessage> messages) {
        List<String> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            String[] text = m.content().split("\n", -1);
            out.add(m.role() + ": " + text[0]);
            for (int i = 1; i < text.length; i++) {
                out.add("  " + text[i]);
            }
            for (ChatMessage.ToolCall c : m.toolCalls()) {
                out.add(m.role() + " → " + c.name() + "(" + c.arguments() + ")");
            }
        }
        return out;
    }

    public static List<LineDiff.Line> of(Span a, Span b) {
        return LineDiff.of(lines(ChatMessages.from(a)), lines(ChatMessages.from(b)));
    }
}
