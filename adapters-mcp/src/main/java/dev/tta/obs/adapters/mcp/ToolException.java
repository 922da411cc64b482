package dev.tta.obs.adapters.mcp;

/** A tool call that cannot be answered as asked; the message is written for the agent or user. */
public final class ToolException extends RuntimeException {
    /** What went wrong, as scripts and the CLI's exit codes see it. */
    public enum Kind {
        BAD_ARGUMENT("bad_argument"), NOT_FOUND("not_found");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public ToolException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static ToolException badArgument(String message) {
        return new ToolException(Kind.BAD_ARGUMENT, message);
    }

    static ToolException notFound(String message) {
        return new ToolException(Kind.NOT_FOUND, message);
    }
}
