package dev.tta.obs.adapters.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK's stdio server with requests and the end of input arriving together, as from
 * `printf ... | tta-obs mcp` or an agent that quits right after its last request: every request
 * read is answered before the server stops, however slow its answer (not only tool calls), and a
 * line that is no message does not stop the ones after it.
 */
class StdioServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n";
    }

    @Test
    @Timeout(60)
    void answersEveryRequestReadBeforeItsInputEnded_evenSlowOnes() throws Exception {
        String input = request(1, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"sh\",\"version\":\"1\"}}")
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                + request(2, "resources/read", "{\"uri\":\"" + McpServers.PRICES_URI + "\"}")
                + request(3, "tools/call", "{\"name\":\"slow\",\"arguments\":{}}")
                + "not json at all\n"
                // the last line without its newline, as a client may end
                + request(4, "tools/list", "{}").trim();
        McpSchema.Tool slow = McpSchema.Tool.builder().name("slow").description("sleeps")
                .inputSchema(McpServers.jsonMapper(), "{\"type\":\"object\"}").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // slower than any quiet period a server might wait for after the end of input
        McpServers.serveStdio(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, List.of(slow),
                (name, args) -> {
                    sleep(1500);
                    return McpSchema.CallToolResult.builder().addTextContent("done").isError(false).build();
                }, () -> {
                    sleep(1500);
                    return "provider\tmodel\n";
                });

        List<Integer> answered = new ArrayList<>();
        Map<Integer, JsonNode> byId = new java.util.HashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            JsonNode n = JSON.readTree(line);
            answered.add(n.get("id").asInt());
            byId.put(n.get("id").asInt(), n);
        }
        assertThat(answered).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(byId.get(2).get("result").get("contents").get(0).get("text").asText()).isEqualTo("provider\tmodel\n");
        assertThat(byId.get(3).get("result").get("content").get(0).get("text").asText()).isEqualTo("done");
        assertThat(byId.get(4).get("result").get("tools").get(0).get("name").asText()).isEqualTo("slow");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
