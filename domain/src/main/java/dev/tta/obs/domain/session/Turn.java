package dev.tta.obs.domain.session;

import dev.tta.obs.domain.Span;
import dev.tta.obs.domain.Trace;
import dev.tta.obs.domain.TraceSummary;
import dev.tta.obs.domain.llm.ChatMessage;
import dev.tta.obs.domain.llm.ChatMessages;
import dev.tta.obs.domain.workflow.PrimitiveKind;
import dev.tta.obs.domain.workflow.SpanClassifier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One trace of a session read as a turn of the conversation: what the user asked, what the run
 * answered, which tools it used. The root's own input and output (OpenInference, Traceloop,
 * Langfuse) win; otherwise the first LLM call's last user message is the input and the last
 * call's last assistant message the answer, the common shape of an agent turn.
 *
 * @param input  the user's message, at most {@link #MAX_TEXT} characters
 * @param answer the final answer, likewise
 * @param tools  tool names in the order first used
 */
public record Turn(TraceSummary summary, Optional<String> input, Optional<String> answer, List<String> tools) {
    public static final int MAX_TEXT = 4000;
    private static final String[] INPUT_KEYS = {"input.value", "traceloop.entity.input", "langfuse.trace.input",
        "langfuse.observation.input", "tta.input"};
    private static final String[] OUTPUT_KEYS = {"output.value", "traceloop.entity.output", "langfuse.trace.output",
        "langfuse.observation.output", "tta.output"};
    private static final String[] TOOL_NAME_KEYS = {"gen_ai.tool.name", "tool.name", "tool_call.function.name"};
    private static final Comparator<Span> BY_START = Comparator.comparingLong(Span::startTimeUnixNano)
            .thenComparing(Span::spanId);

    public Turn {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(answer, "answer");
        tools = List.copyOf(tools);
    }

    /** A turn whose spans are not at hand (e.g. deleted meanwhile): its summary alone. */
    public static Turn of(TraceSummary summary) {
        return new Turn(summary, Optional.empty(), Optional.empty(), List.of());
    }

    public static Turn of(Trace trace) {
        List<Span> spans = new ArrayList<>(trace.spans());
        spans.sort(BY_START);
        Optional<Span> root = spans.stream().filter(s -> s.parentSpanId().isEmpty()).findFirst();
        Optional<String> input = root.flatMap(r -> first(r, INPUT_KEYS));
        Optional<String> answer = root.flatMap(r -> first(r, OUTPUT_KEYS));
        List<Span> llmCalls = new ArrayList<>();
        Set<String> tools = new LinkedHashSet<>();
        for (Span s : spans) {
            PrimitiveKind kind = SpanClassifier.classify(s).kind();
            if (kind == PrimitiveKind.LLM) {
                llmCalls.add(s);
            } else if (kind == PrimitiveKind.TOOL) {
                tools.add(first(s, TOOL_NAME_KEYS).orElse(s.name()));
            }
        }
        if (input.isEmpty()) {
            for (Span call : llmCalls) {
                input = last(ChatMessages.from(call), "user");
                if (input.isPresent()) {
                    break;
                }
            }
        }
        if (answer.isEmpty()) {
            List<Span> byEnd = new ArrayList<>(llmCalls);
            byEnd.sort(Comparator.comparingLong(Span::endTimeUnixNano).thenComparing(Span::spanId).reversed());
            for (Span call : byEnd) {
                answer = last(ChatMessages.from(call), "assistant");
                if (answer.isPresent()) {
                    break;
                }
            }
        }
        return new Turn(trace.summary(), input.map(Turn::cut), answer.map(Turn::cut), List.copyOf(tools));
    }

    private static Optional<String> first(Span s, String[] keys) {
        for (String k : keys) {
            Optional<String> v = s.attributes().getString(k).filter(x -> !x.isBlank());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> last(List<ChatMessage> messages, String role) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (role.equals(m.role()) && !m.content().isBlank()) {
                return Optional.of(m.content());
            }
        }
        return Optional.empty();
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }
}
