package dev.tta.obs.adapters.mcp;

import java.util.Map;

/**
 * What a tool answers: compact text for an agent's context, and the same facts as plain data for
 * {@code format=json} and the CLI's {@code --json}.
 */
public record ToolResult(String text, Map<String, Object> data) {
}
