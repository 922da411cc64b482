package dev.tta.obs.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tta.obs.adapters.mcp.McpServers;
import dev.tta.obs.adapters.mcp.RemoteTools;
import io.modelcontextprotocol.spec.McpSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What the query commands share: they ask a running tta-obs (or, with --data-dir, the stored traces
 * themselves) the same tools an agent asks over MCP, print the tool's table, or its data with
 * --json, and exit with a code a script can test. Picocli reads this class's {@code @Command}
 * attributes for each command: the same help options and list of exit codes.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        exitCodeListHeading = QueryCommand.EXIT_CODES_HEADING, exitCodeList = {
    "0:the answer was printed", "1:tta-obs failed to answer", "2:a bad argument (a flag, a value, a trace id)",
    "3:not found (no such trace or span)", "4:no tta-obs answers at --url",
    "5:tta-obs refused: wrong or missing --auth-token, or a host it does not serve"})
abstract class QueryCommand implements Callable<Integer> {
    /** For a command whose exit codes differ from the list above: it gives its own list under this heading. */
    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final int NOT_FOUND = 3;
    static final int UNREACHABLE = 4;
    static final int REFUSED = 5;
    static final int BAD_ARGUMENT = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://localhost:8765", paramLabel = "URL",
            description = "The running tta-obs (default: ${DEFAULT-VALUE}; env TTA_OBS_URL).")
    String url;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "The service's --auth-token (env TTA_OBS_AUTH_TOKEN).")
    String authToken;

    @Option(names = "--json", description = "Print the answer as JSON, for scripts.")
    boolean json;

    // --data-dir (or --storage=postgres): read the stored traces directly instead of asking a service
    @CommandLine.Mixin
    StorageOptions storage;

    /** The MCP tool this command asks. */
    abstract String tool();

    /** The tool's arguments from the command's options; absent options are left out. */
    abstract Map<String, Object> arguments();

    /** Whether the tool changes stored data: with --data-dir the store is then opened for writing. */
    boolean writes() {
        return false;
    }

    static void put(Map<String, Object> args, String name, Object value) {
        if (value != null && !(value instanceof Boolean b && !b)) {
            args.put(name, value);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        McpSchema.CallToolResult result;
        try {
            Map<String, Object> args = new LinkedHashMap<>(arguments());
            if (json) {
                args.put("format", "json");
            }
            if (storage.dataDir != null || storage.storage.equals("postgres")) {
                try (LocalQueries local = writes() ? LocalQueries.openForWrites(storage) : LocalQueries.open(storage)) {
                    result = McpServers.call(local.tools, tool(), args);
                }
            } else {
                result = new RemoteTools(url, Optional.ofNullable(authToken)).call(tool(), args);
            }
        } catch (IllegalArgumentException e) {
            err.println("tta-obs: " + e.getMessage());
            return BAD_ARGUMENT;
        } catch (RemoteTools.RemoteException e) {
            err.println("tta-obs: " + e.getMessage());
            return switch (e.kind()) {
                case UNREACHABLE -> UNREACHABLE;
                case REFUSED -> REFUSED;
                case FAILED -> 1;
            };
        }
        if (Boolean.TRUE.equals(result.isError())) {
            Object code = result.structuredContent() instanceof Map<?, ?> m ? m.get("error") : null;
            Object message = result.structuredContent() instanceof Map<?, ?> m ? m.get("message") : text(result);
            err.println("tta-obs: " + message);
            // "forbidden": a viewer key asked a tool that changes data
            return "not_found".equals(code) ? NOT_FOUND : "bad_argument".equals(code) ? BAD_ARGUMENT
                    : "forbidden".equals(code) ? REFUSED : 1;
        }
        if (json) {
            out.println(JSON.writeValueAsString(result.structuredContent()));
        } else {
            out.print(text(result));
        }
        out.flush();
        return 0;
    }

    private static String text(McpSchema.CallToolResult r) {
        StringBuilder b = new StringBuilder();
        for (McpSchema.Content c : r.content()) {
            if (c instanceof McpSchema.TextContent t) {
                b.append(t.text());
            }
        }
        return b.toString();
    }
}
