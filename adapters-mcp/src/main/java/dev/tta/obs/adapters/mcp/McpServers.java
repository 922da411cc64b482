package dev.tta.obs.adapters.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.common.McpTransportContext;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/** The MCP SDK's servers around our tools: stateless for Streamable HTTP, one session for stdio. */
public final class McpServers {
    public static final String NAME = "tta-obs";
    static final String INSTRUCTIONS = "tta-obs stores OpenTelemetry traces of LLM and agent workflows. Start with "
            + "list_traces or workflow_stats; drill into one run with get_trace (an outline) and get_span; ask "
            + "compare_runs what got slower or costlier; llm_calls ranks calls by cost; list_sessions and get_session "
            + "read conversations turn by turn; get_feedback and add_feedback read and give judgements of a run. "
            + "Answers are paged: when one "
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
        // add_feedback adds an item each call: not read-only, not idempotent, but it destroys nothing
        return McpSchema.Tool.builder().name(tool.name()).description(tool.description())
                .inputSchema(tool.inputSchema())
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(!tool.changes()).destructiveHint(false)
                        .idempotentHint(!tool.changes()).openWorldHint(false).build())
                .build();
    }

    /** Runs a tool here; a wrong argument or an unknown trace is a tool error the agent can read, not a crash. */
    public static McpSchema.CallToolResult call(TraceTools tools, String name, Map<String, Object> arguments) {
        return call(tools, name, arguments, tool -> Optional.empty());
    }

    /**
     * As {@link #call(TraceTools, String, Map)}, for a caller that may not be allowed to change data:
     * {@code writeRefusal} says why not for a tool that would (asked only then), refused as a
     * {@code forbidden} tool error.
     */
    public static McpSchema.CallToolResult call(TraceTools tools, String name, Map<String, Object> arguments,
                                                Function<String, Optional<String>> writeRefusal) {
        Tool tool = tools.tool(name).orElse(null);
        if (tool == null) {
            return error("bad_argument", "no tool named '" + name + "'");
        }
        Optional<String> refused = tool.changes() ? tools.writesRefused().or(() -> writeRefusal.apply(tool.name()))
                : Optional.empty();
        if (refused.isPresent()) {
            return error("forbidden", refused.get());
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
        return McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build();
    }

    public static final String PRICES_URI = "tta-obs://prices";
    private static final String TSV = "text/tab-separated-values";

    /** The price table costs are computed with, for an agent that wants to check a cost. */
    static McpSchema.Resource pricesResource() {
        return McpSchema.Resource.builder().uri(PRICES_URI).name("prices").title("Model price table")
                .description("The model prices tta-obs computes costs with: provider, model, USD per million "
                        + "input, output, cached input and reasoning tokens, source, date (TSV, see docs/costs.md).")
                .mimeType(TSV).build();
    }

    private static McpSchema.ReadResourceResult prices(String tsv) {
        return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(PRICES_URI, TSV, tsv)));
    }

    /** The server behind POST /mcp: every request stands alone, so no session outlives a request. */
    public static McpStatelessSyncServer stateless(McpStatelessServerTransport transport, TraceTools tools) {
        List<McpStatelessServerFeatures.SyncToolSpecification> specs = tools.tools().stream()
                .map(t -> new McpStatelessServerFeatures.SyncToolSpecification(describe(t),
                        (ctx, req) -> call(tools, req.name(), req.arguments(), writeRefusal(ctx))))
                .toList();
        return McpServer.sync(transport).serverInfo(NAME, version()).instructions(INSTRUCTIONS)
                .capabilities(capabilities()).jsonMapper(jsonMapper()).validateToolInputs(false).tools(specs)
                .resources(new McpStatelessServerFeatures.SyncResourceSpecification(pricesResource(),
                        (ctx, req) -> prices(tools.priceTable())))
                .build();
    }

    /**
     * Where the HTTP transport puts, as a {@code Function<String, Optional<String>>}, why the
     * request's key may not use a tool that changes data (by tool name), if it may not.
     */
    static final String WRITE_REFUSAL = "tta-obs.write-refusal";

    @SuppressWarnings("unchecked")
    private static Function<String, Optional<String>> writeRefusal(McpTransportContext ctx) {
        return ctx.get(WRITE_REFUSAL) instanceof Function<?, ?> f ? (Function<String, Optional<String>>) f
                : tool -> Optional.empty();
    }

    /**
     * Serves the tools over stdio until the client closes its end; blocks until then.
     *
     * @param tools  what tools/list answers
     * @param caller how a tools/call is answered
     * @param prices the price table as TSV, read when the client reads {@link #PRICES_URI}
     */
    public static void serveStdio(InputStream in, OutputStream out, List<McpSchema.Tool> tools, ToolCaller caller,
                                  Supplier<String> prices) throws InterruptedException {
        StdioLedger ledger = new StdioLedger(jsonMapper());
        List<McpServerFeatures.SyncToolSpecification> specs = tools.stream()
                .map(t -> new McpServerFeatures.SyncToolSpecification(t,
                        (exchange, req) -> caller.call(req.name(), req.arguments())))
                .toList();
        StdioServerTransportProvider transport = new StdioServerTransportProvider(jsonMapper(), ledger.input(in),
                ledger.output(out));
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo(NAME, version()).instructions(INSTRUCTIONS).capabilities(capabilities())
                .jsonMapper(jsonMapper()).validateToolInputs(false).tools(specs)
                .resources(new McpServerFeatures.SyncResourceSpecification(pricesResource(),
                        (exchange, req) -> prices(prices.get())))
                .build();
        try {
            // a tool asking a running tta-obs gives up after 2 minutes (RemoteTools): wait a little longer
            if (!ledger.awaitAnswered(150, TimeUnit.SECONDS)) {
                System.err.println("tta-obs mcp: stopping with requests still unanswered after 150 s");
            }
        } finally {
            server.closeGracefully();
            ledger.release();
        }
    }
}
