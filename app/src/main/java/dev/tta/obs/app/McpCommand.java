package dev.tta.obs.app;

import dev.tta.obs.adapters.mcp.McpServers;
import dev.tta.obs.adapters.mcp.RemoteTools;
import io.modelcontextprotocol.spec.McpSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code tta-obs mcp}: the MCP server over stdio, for agents that start their servers as processes. */
@Command(name = "mcp", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Serve tta-obs's read-only trace tools to a coding agent over MCP on stdin/stdout.",
                "Asks the tta-obs running at --url; when none answers, reads the data directory itself, "
                        + "read-only: its files are left byte-identical, a directory from another tta-obs version "
                        + "is refused, and text searches may miss spans a service has not indexed yet.",
                "A running tta-obs also serves MCP over HTTP at <url>/mcp.",
                "See docs/agents.md for each agent's configuration."})
final class McpCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://localhost:8765", paramLabel = "URL",
            description = "The running tta-obs to ask (default: ${DEFAULT-VALUE}; env TTA_OBS_URL).")
    String url;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "The service's --auth-token (env TTA_OBS_AUTH_TOKEN).")
    String authToken;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() throws Exception {
        // stdout carries the protocol alone: anything else printed goes to stderr
        PrintStream protocol = System.out;
        System.setOut(System.err);
        RemoteTools remote = new RemoteTools(url, Optional.ofNullable(authToken));
        List<McpSchema.Tool> remoteTools;
        try {
            remoteTools = remote.listTools();
        } catch (RemoteTools.RemoteException e) {
            if (e.kind() != RemoteTools.RemoteException.Kind.UNREACHABLE) {
                throw new IllegalArgumentException(e.getMessage());
            }
            remoteTools = null;
        }
        if (remoteTools != null) {
            System.err.println("tta-obs mcp: serving the tta-obs at " + remote.url() + " on stdio");
            McpServers.serveStdio(System.in, protocol, remoteTools, (name, args) -> {
                try {
                    return remote.call(name, args);
                } catch (RemoteTools.RemoteException e) {
                    // the service stopped or restarted with another token: the agent reads why
                    return McpServers.error("unavailable", e.getMessage());
                }
            }, () -> remote.readResource(McpServers.PRICES_URI));
            return 0;
        }
        try (LocalQueries local = LocalQueries.open(storage)) {
            System.err.println("tta-obs mcp: no tta-obs answers at " + remote.url() + "; reading "
                    + storage.dataDirectory() + " on stdio");
            List<McpSchema.Tool> tools = local.tools.tools().stream().map(McpServers::describe).toList();
            McpServers.serveStdio(System.in, protocol, tools, (name, args) -> McpServers.call(local.tools, name, args),
                    local.tools::priceTable);
        }
        return 0;
    }
}
