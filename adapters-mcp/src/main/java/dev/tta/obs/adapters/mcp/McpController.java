package dev.tta.obs.adapters.mcp;

import dev.tta.obs.domain.cost.PriceTable;
import dev.tta.obs.ports.in.CompareRuns;
import dev.tta.obs.ports.in.QuerySessions;
import dev.tta.obs.ports.in.QueryTraces;
import dev.tta.obs.ports.in.RateTraces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * MCP's Streamable HTTP transport at {@code /mcp}, stateless: each POST carries one JSON-RPC message
 * and gets its answer as JSON. No server-initiated stream is offered (GET answers 405, as the
 * transport allows), since every tool is a plain call and answer. The Host, Origin and token rules of the REST
 * API apply here too (LocalhostGuard, a filter on every path).
 */
@Controller("/mcp")
@ExecuteOn(TaskExecutors.BLOCKING)
public class McpController implements McpStatelessServerTransport {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final McpJsonMapper json = McpServers.jsonMapper();
    private volatile McpStatelessServerHandler handler;
    // held so the server (and the handler it gave this transport) lives as long as the controller
    private final McpStatelessSyncServer server;

    private final WriteAccess access;

    /** Why the key of a request may not use a tool that changes data (add_feedback), or empty when it may. */
    @FunctionalInterface
    public interface WriteAccess {
        Optional<String> refusal(HttpRequest<?> request, String tool);
    }

    public McpController(QueryTraces query, CompareRuns compare, QuerySessions sessions, RateTraces rate,
                         PriceTable prices, WriteAccess access) {
        this.access = access;
        this.server = McpServers.stateless(this, new TraceTools(query, compare, sessions, rate, prices,
                Clock.systemUTC(), Optional.empty()));
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> post(HttpRequest<?> http, @Body String body) throws IOException {
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, body);
        } catch (IOException | IllegalArgumentException e) {
            return rpcError(HttpStatus.BAD_REQUEST, McpSchema.ErrorCodes.PARSE_ERROR,
                    "not a JSON-RPC message: " + e.getMessage());
        }
        if (message instanceof McpSchema.JSONRPCRequest request) {
            // the guard let the request in by its path; whether its key may also write is known only
            // here, per tool call, so it travels with the call
            Function<String, Optional<String>> refusal = tool -> access.refusal(http, tool);
            McpTransportContext context = McpTransportContext.create(Map.of(McpServers.WRITE_REFUSAL, refusal));
            McpSchema.JSONRPCResponse response = handler.handleRequest(context, request).block(TIMEOUT);
            return HttpResponse.ok(json.writeValueAsString(response)).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        if (message instanceof McpSchema.JSONRPCNotification notification) {
            handler.handleNotification(McpTransportContext.EMPTY, notification).block(TIMEOUT);
        }
        return HttpResponse.accepted();
    }

    @Get
    public MutableHttpResponse<String> stream() {
        return HttpResponse.<String>status(HttpStatus.METHOD_NOT_ALLOWED).header("Allow", "POST");
    }

    @Delete
    public MutableHttpResponse<String> endSession() {
        return HttpResponse.<String>status(HttpStatus.METHOD_NOT_ALLOWED).header("Allow", "POST");
    }

    private MutableHttpResponse<String> rpcError(HttpStatus status, int code, String message) throws IOException {
        McpSchema.JSONRPCResponse r = new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, null, null,
                new McpSchema.JSONRPCResponse.JSONRPCError(code, message, null));
        return HttpResponse.<String>status(status).body(json.writeValueAsString(r))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
