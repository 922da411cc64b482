package dev.tta.obs.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * `tta-obs traces | trace | errors | llm-calls | stats | sessions | session | feedback`: the MCP tools as
 * commands for scripts and people.
 */
final class QueryCommands {
    private QueryCommands() {
    }

    /** Filters that narrow a window of runs. */
    static final class Window {
        @Option(names = "--since", paramLabel = "WHEN", description = "Only runs started since: 30m, 24h, 7d or an ISO time.")
        String since;

        @Option(names = "--service", paramLabel = "NAME", description = "Only this service.")
        String service;

        void into(Map<String, Object> args) {
            QueryCommand.put(args, "since", since);
            QueryCommand.put(args, "service", service);
        }
    }

    @Command(name = "traces", description = "List stored traces, newest first, one line each (the list_traces MCP tool).")
    static final class Traces extends QueryCommand {
        @picocli.CommandLine.Mixin
        Window window = new Window();
        @Option(names = "--workflow", paramLabel = "NAME", description = "Only runs of this workflow (workflow.name).")
        String workflow;
        @Option(names = "--root", paramLabel = "NAME", description = "Only traces whose root span has this name.")
        String root;
        @Option(names = {"-q", "--text"}, paramLabel = "WORDS", description = "Words that start span names, services or attribute values.")
        String text;
        @Option(names = "--span-name", paramLabel = "NAME", description = "A span of the trace has exactly this name.")
        String spanName;
        @Option(names = "--status", paramLabel = "STATUS",
                description = "How the run ended: failed, recovered or ok; error (failed or recovered) or unset by span status.")
        String status;
        @Option(names = "--errors", description = "Only traces with an error (same as --status=error).")
        boolean errors;
        @Option(names = "--model", paramLabel = "MODEL", description = "An LLM call of the trace used this model.")
        String model;
        @Option(names = "--primitive", paramLabel = "TYPE", description = "The trace used this primitive, e.g. retry.")
        String primitive;
        @Option(names = "--min-duration-ms", paramLabel = "MS", description = "At least this long.")
        Double minDurationMs;
        @Option(names = "--min-cost-usd", paramLabel = "USD", description = "Cost at least this much.")
        Double minCostUsd;
        @Option(names = "--until", paramLabel = "WHEN", description = "Started before: a duration ago or an ISO time.")
        String until;
        @Option(names = "--regressions", description = "Only runs flagged as regressions.")
        boolean regressions;
        @Option(names = "--sort", paramLabel = "ORDER", description = "newest (default), oldest, duration or cost.")
        String sort;
        @Option(names = "--limit", paramLabel = "N", description = "Traces per page (default 20, at most 200).")
        Integer limit;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after the page that printed this cursor.")
        String cursor;

        @Override
        String tool() {
            return "list_traces";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            window.into(a);
            put(a, "workflow", workflow);
            put(a, "root", root);
            put(a, "text", text);
            put(a, "span_name", spanName);
            put(a, "status", errors ? "error" : status);
            put(a, "model", model);
            put(a, "primitive", primitive);
            put(a, "min_duration_ms", minDurationMs);
            put(a, "min_cost_usd", minCostUsd);
            put(a, "until", until);
            put(a, "regressions_only", regressions);
            put(a, "sort", sort);
            put(a, "limit", limit);
            put(a, "cursor", cursor);
            return a;
        }
    }

    @Command(name = "trace", description = {
            "One trace as an outline: a line per span with depth, duration, status, primitive facts "
                    + "and model/tokens/cost (the get_trace MCP tool).",
            "With --span, that span in full: attributes, events, LLM messages (get_span)."})
    static final class TraceOutline extends QueryCommand {
        @Parameters(index = "0", paramLabel = "TRACE_ID", description = "The trace id (32 hex digits).")
        String traceId;
        @Option(names = "--span", paramLabel = "SPAN_ID", description = "Show this span in full instead.")
        String spanId;
        @Option(names = "--limit", paramLabel = "N", description = "Lines per page (default 200).")
        Integer limit;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after the page that printed this cursor.")
        String cursor;
        @Option(names = "--max-value-chars", paramLabel = "N", description = "With --span: cut longer values (default 500).")
        Integer maxValueChars;

        @Override
        String tool() {
            return spanId == null ? "get_trace" : "get_span";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            put(a, "trace_id", traceId);
            put(a, "span_id", spanId);
            put(a, "limit", limit);
            put(a, "cursor", cursor);
            if (spanId != null) {
                put(a, "max_value_chars", maxValueChars);
            }
            return a;
        }
    }

    @Command(name = "errors", description = "Failures grouped by kind, with counts and an example trace (the list_errors MCP tool).")
    static final class Errors extends QueryCommand {
        @picocli.CommandLine.Mixin
        Window window = new Window();
        @Option(names = "--workflow", paramLabel = "NAME", description = "Only runs of this workflow.")
        String workflow;
        @Option(names = "--limit", paramLabel = "N", description = "Groups to show (default 10).")
        Integer limit;
        @Option(names = "--scan", paramLabel = "N", description = "Newest failing traces to read (default 200).")
        Integer scan;

        @Override
        String tool() {
            return "list_errors";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            window.into(a);
            put(a, "workflow", workflow);
            put(a, "limit", limit);
            put(a, "scan", scan);
            return a;
        }
    }

    @Command(name = "llm-calls", description = "The top LLM calls by cost, tokens or latency, with totals (the llm_calls MCP tool).")
    static final class LlmCalls extends QueryCommand {
        @picocli.CommandLine.Mixin
        Window window = new Window();
        @Option(names = "--sort", paramLabel = "BY", description = "cost (default), tokens or latency.")
        String sort;
        @Option(names = "--trace", paramLabel = "TRACE_ID", description = "Only the calls of this run.")
        String traceId;
        @Option(names = "--model", paramLabel = "MODEL", description = "Only this model.")
        String model;
        @Option(names = "--workflow", paramLabel = "NAME", description = "Only runs of this workflow.")
        String workflow;
        @Option(names = "--provider", paramLabel = "PROVIDER", description = "Only this provider.")
        String provider;
        @Option(names = "--limit", paramLabel = "N", description = "Calls to show (default 10).")
        Integer limit;

        @Override
        String tool() {
            return "llm_calls";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            window.into(a);
            put(a, "sort", sort);
            put(a, "trace_id", traceId);
            put(a, "model", model);
            put(a, "workflow", workflow);
            put(a, "provider", provider);
            put(a, "limit", limit);
            return a;
        }
    }

    @Command(name = "stats", description = "Per workflow: runs, p50/p95 latency, error and recovery rates, tokens, "
            + "cost, cache hit rate, retries (the workflow_stats MCP tool).")
    static final class Stats extends QueryCommand {
        @picocli.CommandLine.Mixin
        Window window = new Window();
        @Option(names = "--limit", paramLabel = "N", description = "Workflows to show (default 20).")
        Integer limit;

        @Override
        String tool() {
            return "workflow_stats";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            window.into(a);
            put(a, "limit", limit);
            return a;
        }
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "List sessions (conversations, agent runs: traces sharing a session id), newest first, one "
                    + "line each with user, turns, duration, tokens, cost, errors and worst outcome (the list_sessions "
                    + "MCP tool).",
            exitCodeListHeading = QueryCommand.EXIT_CODES_HEADING, exitCodeList = {
                "0:the answer was printed", "1:tta-obs failed to answer", "2:a bad argument (a flag, a value, a cursor)",
                "4:no tta-obs answers at --url",
                "5:tta-obs refused: wrong or missing --auth-token, or a host it does not serve"})
    static final class Sessions extends QueryCommand {
        @picocli.CommandLine.Mixin
        Window window = new Window();
        @Option(names = "--until", paramLabel = "WHEN", description = "A turn started before: a duration ago or an ISO time.")
        String until;
        @Option(names = "--workflow", paramLabel = "NAME", description = "A turn's root span has exactly this name.")
        String workflow;
        @Option(names = "--user", paramLabel = "USER_ID", description = "A turn names this user (user.id).")
        String user;
        @Option(names = "--status", paramLabel = "STATUS", description = "The session's worst outcome: failed, recovered or ok.")
        String status;
        @Option(names = "--sort", paramLabel = "ORDER", description = "newest (default), oldest, duration, cost or turns.")
        String sort;
        @Option(names = "--limit", paramLabel = "N", description = "Sessions per page (default 20, at most 500).")
        Integer limit;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after the page that printed this cursor.")
        String cursor;

        @Override
        String tool() {
            return "list_sessions";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            window.into(a);
            put(a, "until", until);
            put(a, "workflow", workflow);
            put(a, "user", user);
            put(a, "status", status);
            put(a, "sort", sort);
            put(a, "limit", limit);
            put(a, "cursor", cursor);
            return a;
        }
    }

    @Command(name = "session", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "One session as a conversation: its totals (turns, duration, tokens, cost, errors, "
                    + "outcome), then turn by turn in order what was asked and answered, the tools used, tokens, "
                    + "cost and feedback (the get_session MCP tool).",
            exitCodeListHeading = QueryCommand.EXIT_CODES_HEADING, exitCodeList = {
                "0:the answer was printed", "1:tta-obs failed to answer", "2:a bad argument (a flag, a value, a cursor)",
                "3:not found (no stored trace has this session id)", "4:no tta-obs answers at --url",
                "5:tta-obs refused: wrong or missing --auth-token, or a host it does not serve"})
    static final class Session extends QueryCommand {
        @Parameters(index = "0", paramLabel = "SESSION_ID", description = "The session id, as `tta-obs sessions` shows it.")
        String sessionId;
        @Option(names = "--limit", paramLabel = "N", description = "Turns per page (default 20, at most 1000).")
        Integer limit;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after the page that printed this cursor.")
        String cursor;

        @Override
        String tool() {
            return "get_session";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            put(a, "session_id", sessionId);
            put(a, "limit", limit);
            put(a, "cursor", cursor);
            return a;
        }
    }

    @Command(name = "feedback", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = {"The feedback on a run, oldest first: thumbs, scores, labels and comments from people, "
                    + "agents and evaluators (the get_feedback MCP tool).",
                "With --name and a --score and/or --label: add feedback to the run, or with --span to one of its "
                    + "spans (add_feedback). Against a running tta-obs this needs the --auth-token, not a viewer "
                    + "key; with --data-dir it is written into that database."},
            exitCodeListHeading = QueryCommand.EXIT_CODES_HEADING, exitCodeList = {
                "0:the answer was printed (the feedback was stored)", "1:tta-obs failed to answer",
                "2:a bad argument (a flag, a value, a trace or span id, a score that is not a number)",
                "3:not found (no such trace, or no such span in it)", "4:no tta-obs answers at --url",
                "5:tta-obs refused: wrong or missing --auth-token, a viewer key adding feedback, "
                    + "or a host it does not serve"})
    static final class Feedback extends QueryCommand {
        /** Who gave feedback through this command, unless --source names someone else. */
        static final String SOURCE = "cli";
        private static final String[] ADDING = {"--name", "--score", "--label", "--comment", "--span", "--source"};

        @Parameters(index = "0", paramLabel = "TRACE_ID", description = "The trace id (32 hex digits).")
        String traceId;
        @Option(names = "--name", paramLabel = "NAME", description = "Add feedback on what: correctness, user-rating, helpfulness...")
        String name;
        // a string, so that a score that is not a number gets the tool's one-line message, not picocli's usage text
        @Option(names = "--score", paramLabel = "NUMBER", description = "Any finite number: 1 or 0 for thumbs, 0..1 for an evaluator.")
        String score;
        @Option(names = "--label", paramLabel = "WORD", description = "A word: up, down, pass, fail, hallucination...")
        String label;
        @Option(names = "--comment", paramLabel = "TEXT", description = "Why, in a sentence or two.")
        String comment;
        @Option(names = "--span", paramLabel = "SPAN_ID", description = "Judge this span (16 hex digits) instead of the whole run.")
        String spanId;
        @Option(names = "--source", paramLabel = "WHO", description = "Who judges (default " + SOURCE + ").")
        String source;

        /**
         * Adding or listing goes by the flags typed, not by their values: every flag can also come from
         * the environment (TTA_OBS_SOURCE...), and a stray variable must not turn a listing into a write.
         */
        private boolean adding() {
            CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
            for (String flag : ADDING) {
                if (parsed != null && parsed.hasMatchedOption(flag)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        boolean writes() {
            return adding();
        }

        @Override
        String tool() {
            return adding() ? "add_feedback" : "get_feedback";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> a = new LinkedHashMap<>();
            put(a, "trace_id", traceId);
            if (adding()) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("adding feedback needs --name (what is judged, e.g. "
                            + "--name=correctness) and a --score or a --label");
                }
                put(a, "name", name);
                put(a, "score", score);
                put(a, "label", label);
                put(a, "comment", comment);
                put(a, "span_id", spanId);
                put(a, "source", source == null ? SOURCE : source);
            }
            return a;
        }
    }
}
