package dev.tta.obs.domain.llm;

import dev.tta.obs.domain.Attributes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.tta.obs.domain.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

class ChatMessagesTest {

    @Test
    void readsGenAiJsonMessagesWithSystemInstructionsAndToolCalls() {
        List<ChatMessage> m = ChatMessages.from(span("chat gpt-4o")
                .attr("gen_ai.system_instructions", "[{\"type\":\"text\",\"content\":\"Be brief.\"}]")
                .attr("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in Paris?\"}]},"
                        + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}]},"
                        + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_1\",\"response\":\"rainy, 57F\"}]}]")
                .attr("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Rainy.\"}],\"finish_reason\":\"stop\"}]")
                .build());
        assertThat(m).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool", "assistant");
        assertThat(m.get(0).content()).isEqualTo("Be brief.");
        assertThat(m.get(1).content()).isEqualTo("Weather in Paris?");
        assertThat(m.get(2).toolCalls()).containsExactly(
                new ChatMessage.ToolCall(Optional.of("call_1"), "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(m.get(3).toolCallId()).contains("call_1");
        assertThat(m.get(3).content()).isEqualTo("rainy, 57F");
        assertThat(m.get(4).content()).isEqualTo("Rainy.");
    }

    @Test
    void aToolResultGivenAsTextBlocksReadsAsItsText_otherResultsStayJson() {
        // as @anthropic-ai/sdk 1.17 writes a tool result: in a user turn, the response as content blocks
        List<ChatMessage> m = ChatMessages.from(span("anthropic.messages.create")
                .attr("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"tool_call_response\","
                        + "\"id\":\"toolu_1\",\"response\":[{\"type\":\"text\",\"text\":\"rainy,\"},{\"type\":\"text\",\"text\":\"12C\"}]}]},"
                        + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"c2\",\"response\":[1,2]}]},"
                        + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"c3\","
                        + "\"response\":[{\"type\":\"image\",\"source\":\"x\"}]}]}]")
                .build());
        assertThat(m).extracting(ChatMessage::role).containsExactly("user", "tool", "tool");
        assertThat(m.get(0).toolCallId()).contains("toolu_1");
        assertThat(m.get(0).content()).isEqualTo("rainy,\n12C");
        assertThat(m.get(1).content()).isEqualTo("[1,2]");
        assertThat(m.get(2).content()).isEqualTo("[{\"type\":\"image\",\"source\":\"x\"}]");
    }

    @Test
    void readsOlderGenAiEvents() {
        List<ChatMessage> m = ChatMessages.from(span("chat")
                .event("gen_ai.system.message", Attributes.builder().put("content", "You are terse.").build())
                .event("gen_ai.user.message", Attributes.builder().put("content", "Hi").build())
                .event("gen_ai.choice", Attributes.builder()
                        .put("message", "{\"role\":\"assistant\",\"content\":\"Hello\",\"tool_calls\":[{\"id\":\"c9\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}}]}")
                        .build())
                .event("exception", Attributes.empty())
                .build());
        assertThat(m).extracting(ChatMessage::role).containsExactly("system", "user", "assistant");
        assertThat(m.get(2).content()).isEqualTo("Hello");
        assertThat(m.get(2).toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("lookup");
            assertThat(c.arguments()).isEqualTo("{\"q\":1}");
        });
    }

    @Test
    void readsOpenInferenceFlattenedMessagesInIndexOrder() {
        List<ChatMessage> m = ChatMessages.from(span("llm")
                .attr("llm.input_messages.1.message.role", "user")
                .attr("llm.input_messages.1.message.contents.0.message_content.text", "second")
                .attr("llm.input_messages.0.message.role", "system")
                .attr("llm.input_messages.0.message.content", "first")
                .attr("llm.input_messages.10.message.role", "user")
                .attr("llm.input_messages.10.message.content", "eleventh")
                .attr("llm.output_messages.0.message.role", "assistant")
                .attr("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "search")
                .attr("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", "{\"q\":\"x\"}")
                .build());
        assertThat(m).extracting(ChatMessage::content).containsExactly("first", "second", "eleventh", "");
        assertThat(m.get(3).role()).isEqualTo("assistant");
        assertThat(m.get(3).toolCalls()).extracting(ChatMessage.ToolCall::name).containsExactly("search");
    }

    @Test
    void readsLegacyOpenLlmetryPromptAndCompletion() {
        List<ChatMessage> m = ChatMessages.from(span("openai.chat")
                .attr("gen_ai.prompt.0.role", "user")
                .attr("gen_ai.prompt.0.content", "Summarise this")
                .attr("gen_ai.completion.0.role", "assistant")
                .attr("gen_ai.completion.0.content", "Done")
                .attr("gen_ai.completion.0.finish_reason", "stop")
                .build());
        assertThat(m).containsExactly(ChatMessage.text("user", "Summarise this"), ChatMessage.text("assistant", "Done"));
    }

    @Test
    void prefersTheCurrentConventionWhenASpanCarriesTwo() {
        List<ChatMessage> m = ChatMessages.from(span("chat")
                .attr("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"new\"}]}]")
                .attr("gen_ai.prompt.0.role", "user")
                .attr("gen_ai.prompt.0.content", "old")
                .build());
        assertThat(m).containsExactly(ChatMessage.text("user", "new"));
    }

    @Test
    void malformedJsonGivesNoMessagesInsteadOfAnError() {
        assertThat(ChatMessages.from(span("chat").attr("gen_ai.input.messages", "[{\"role\":\"user\",").build())).isEmpty();
        assertThat(ChatMessages.from(span("chat").attr("gen_ai.input.messages", "42").build())).isEmpty();
    }

    @Test
    void openAiStyleContentListsAreFlattenedToText() {
        List<ChatMessage> m = ChatMessages.from(span("chat")
                .attr("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},{\"type\":\"image_url\"}]}]")
                .build());
        assertThat(m).containsExactly(ChatMessage.text("user", "look\n[image_url]"));
    }

    @Test
    void genericInputValueIsUsedOnlyWhenItIsAListOfRoleTaggedMessages() {
        List<ChatMessage> m = ChatMessages.from(span("ChatOpenAI")
                .attr("input.value", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .attr("output.value", "{\"answer\":42}")
                .build());
        assertThat(m).containsExactly(ChatMessage.text("user", "hi"));
        assertThat(ChatMessages.from(span("task").attr("traceloop.entity.input", "{\"args\":[1,2]}").build())).isEmpty();
    }
}
