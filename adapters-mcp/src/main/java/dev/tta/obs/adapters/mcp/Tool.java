package dev.tta.obs.adapters.mcp;

import java.util.Map;
import java.util.function.Function;

/**
 * One read-only tool: its name, the one-line description an agent chooses it by, its JSON schema
 * and what it does.
 */
public record Tool(String name, String description, Map<String, Object> inputSchema,
                   Function<ToolArgs, ToolResult> handler) {
}
