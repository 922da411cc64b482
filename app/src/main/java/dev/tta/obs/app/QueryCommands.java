package dev.tta.obs.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** `tta-obs traces | trace | errors | llm-calls | stats`: the MCP tools as commands for scripts and people. */
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
}
