package dev.tta.obs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /mcp is under the REST API's rules: a DNS-rebinding page (foreign Host), a web page's request
 * (foreign Origin, reads included, as MCP asks) and, with --auth-token, a request without the
 * token are all refused; the real MCP client with the token gets its answers.
 */
class McpGuardIT {
    @TempDir
    Path dataDir;

    @Test
    void foreignHostAndOrigin_areRefused() throws Exception {
        try (RunningService service = new RunningService(dataDir)) {
            String own = "Host: 127.0.0.1:" + service.port;
            assertThat(RawHttp.send(service.port, "POST", "/mcp", "Host: attacker.example:" + service.port,
                    "Content-Type: application/json").status()).isEqualTo(403);
            assertThat(RawHttp.send(service.port, "POST", "/mcp", own, "Content-Type: application/json",
                    "Origin: https://evil.example").status()).isEqualTo(403);
            assertThat(RawHttp.send(service.port, "GET", "/mcp", own, "Origin: https://evil.example").status())
                    .isEqualTo(403);
            // the controls: this machine's own request reaches the endpoint (an empty body is no JSON-RPC)
            assertThat(RawHttp.send(service.port, "POST", "/mcp", own, "Content-Type: application/json").status())
                    .isEqualTo(400);
            assertThat(RawHttp.send(service.port, "GET", "/mcp", own).status()).isEqualTo(405);
        }
    }

    @Test
    void withAToken_onlyRequestsCarryingItAreAnswered() throws Exception {
        McpJsClientIT.requireNodeModules();
        try (RunningService service = new RunningService(dataDir, "--auth-token=s3cret")) {
            String own = "Host: 127.0.0.1:" + service.port;
            assertThat(RawHttp.send(service.port, "POST", "/mcp", own, "Content-Type: application/json").status())
                    .isEqualTo(401);
            assertThat(RawHttp.send(service.port, "GET", "/mcp", own).status()).isEqualTo(401);
            assertThat(RawHttp.send(service.port, "POST", "/mcp", own, "Content-Type: application/json",
                    "Authorization: Bearer wrong").status()).isEqualTo(401);

            ArrayNode plan = RunningService.JSON.createArrayNode();
            plan.addObject().put("name", "list_traces").putObject("arguments");
            JsonNode without = McpJsClientIT.runNode(List.of("http", service.url("/mcp")), plan);
            assertThat(without.get("error").asText()).contains("401");
            JsonNode with = McpJsClientIT.runNode(List.of("http", service.url("/mcp"), "s3cret"), plan);
            assertThat(with.has("error")).as(with.toString()).isFalse();
            assertThat(with.get("results").get(0).get("pages").get(0).get("text").asText())
                    .startsWith("0 traces on this page (0 stored)");
        }
    }
}
