package dev.tta.obs.adapters.mcp;

import java.util.Map;
import java.util.function.Function;

/**
 * One tool: its name, the one-line description an agent chooses it by, its JSON schema, what it
 * does, and whether it changes stored data (only add_feedback does; a viewer key may not call it).
 */
public record Tool(String name, String description, Map<String, Object> inputSchema,
                   Function<ToolArgs, ToolResult> handler, boolean changes) {
    /** A tool that only reads. */
    public Tool(String name, String description, Map<String, Object> inputSchema, Function<ToolArgs, ToolResult> handler) {
        this(name, description, inputSchema, handler, false);
    }
}
