package dev.tta.obs.adapters.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The MCP SDK's servers around our tools: stateless for Streamable HTTP, one session for stdio. */
public final class McpServers {
    public static final String NAME = "tta-obs";
    static final String INSTRUCTIONS = "tta-obs stores OpenTelemetry traces of LLM and agent workflows. Start with "
            + "list_traces or workflow_stats; drill into one run with get_trace (an outline) and get_span; ask "
            + "compare_runs what got slower or costlier; llm_calls ranks calls by cost. Answers are paged: when one "
            + "ends with 'more: call again with cursor X', pass cursor X to see the rest.";

    private McpServers() {
    }

    /** Calls one tool by name: here (the tools) or in a running tta-obs ({@link RemoteTools}). */
    @FunctionalInterface
    public interface ToolCaller {
        McpSchema.CallToolResult call(String name, Map<String, Object> arguments);
    }

    public static McpJsonMapper jsonMapper() {
        return new JacksonMcpJsonMapper(new ObjectMapper());
    }

    static String version() {
        String v = McpServers.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public static McpSchema.Tool describe(Tool tool) {
        return McpSchema.Tool.builder().name(tool.name()).description(tool.description())
                .inputSchema(tool.inputSchema())
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).destructiveHint(false)
                        .idempotentHint(true).openWorldHint(false).build())
                .build();
    }

    /** Runs a tool here; a wrong argument or an unknown trace is a tool error the agent can read, not a crash. */
    public static McpSchema.CallToolResult call(TraceTools tools, String name, Map<String, Object> arguments) {
        Tool tool = tools.tool(name).orElse(null);
        if (tool == null) {
            return error("bad_argument", "no tool named '" + name + "'");
        }
        ToolArgs args = new ToolArgs(arguments);
        try {
            requireKnown(tool, arguments);
            boolean json = args.json();
            ToolResult r = tool.handler().apply(args);
            if (!json) {
                return McpSchema.CallToolResult.builder().addTextContent(r.text()).isError(false).build();
            }
            return McpSchema.CallToolResult.builder().addTextContent(jsonMapper().writeValueAsString(r.data()))
                    .structuredContent(r.data()).isError(false).build();
        } catch (ToolException e) {
            return error(e.kind().code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return error("internal", "tta-obs could not answer: " + e.getMessage());
        }
    }

    /** An argument the tool does not take is a mistake the agent should hear about, not a silent no-op. */
    @SuppressWarnings("unchecked")
    private static void requireKnown(Tool tool, Map<String, Object> arguments) {
        if (arguments == null) {
            return;
        }
        Map<String, Object> properties = (Map<String, Object>) tool.inputSchema().get("properties");
        for (String name : arguments.keySet()) {
            if (!properties.containsKey(name)) {
                throw new ToolException(ToolException.Kind.BAD_ARGUMENT, tool.name() + " takes no argument '" + name
                        + "'; it takes " + String.join(", ", properties.keySet()));
            }
        }
    }

    public static McpSchema.CallToolResult error(String code, String message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("error", code);
        data.put("message", message);
        return McpSchema.CallToolResult.builder().addTextContent(code + ": " + message).structuredContent(data)
                .isError(true).build();
    }

    // validateToolInputs(false) below: ToolArgs checks every argument with a message that names it
    // and starts with bad_argument, which the SDK's schema check would pre-empt with its own wording

    private static McpSchema.ServerCapabilities capabilities() {
        return McpSchema.ServerCapabilities.builder().tools(false).build();
    }

    /** The server behind POST /mcp: every request stands alone, so no session outlives a request. */
    public static McpStatelessSyncServer stateless(McpStatelessServerTransport transport, TraceTools tools) {
        List<McpStatelessServerFeatures.SyncToolSpecification> specs = tools.tools().stream()
                .map(t -> new McpStatelessServerFeatures.SyncToolSpecification(describe(t),
                        (ctx, req) -> call(tools, req.name(), req.arguments())))
                .toList();
        return McpServer.sync(transport).serverInfo(NAME, version()).instructions(INSTRUCTIONS)
                .capabilities(capabilities()).jsonMapper(jsonMapper()).validateToolInputs(false).tools(specs).build();
    }

    /**
     * Serves the tools over stdio until the client closes its end; blocks until then.
     *
     * @param tools  what tools/list answers
     * @param caller how a tools/call is answered
     */
    public static void serveStdio(InputStream in, OutputStream out, List<McpSchema.Tool> tools, ToolCaller caller)
            throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        InputStream watched = new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    closed.countDown();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n < 0) {
                    closed.countDown();
                }
                return n;
            }
        };
        List<McpServerFeatures.SyncToolSpecification> specs = tools.stream()
                .map(t -> new McpServerFeatures.SyncToolSpecification(t,
                        (exchange, req) -> caller.call(req.name(), req.arguments())))
                .toList();
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(jsonMapper(), watched, out))
                .serverInfo(NAME, version()).instructions(INSTRUCTIONS).capabilities(capabilities())
                .jsonMapper(jsonMapper()).validateToolInputs(false).tools(specs).build();
        try {
            closed.await();
        } finally {
            server.closeGracefully();
        }
    }
}
