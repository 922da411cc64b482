-- As in SQLite's V14: one row per LLM call, written in the same transaction as its trace, so the
-- LLM calls list pages through an index instead of decoding span chunks.
CREATE TABLE llm_calls (
    trace_id            bytea            NOT NULL,
    span_id             bytea            NOT NULL,
    start_ns            bigint           NOT NULL,
    duration_ns         bigint           NOT NULL,
    -- as the call reported it; '' when it names no model
    model               text             NOT NULL,
    model_family        text             NOT NULL,
    provider            text             NOT NULL,
    input_tokens        bigint           NOT NULL,
    cached_input_tokens bigint           NOT NULL,
    output_tokens       bigint           NOT NULL,
    reasoning_tokens    bigint           NOT NULL,
    total_tokens        bigint           NOT NULL,
    -- NULL = unknown (cost_status says why), never $0
    cost_usd            double precision,
    -- what the cost sort orders by: the cost, or -1 when unknown (a column, so a cursor seeks)
    cost_key            double precision NOT NULL,
    cost_status         text             NOT NULL,
    workflow_name       text             NOT NULL,
    service_name        text             NOT NULL,
    failed              boolean          NOT NULL,
    PRIMARY KEY (trace_id, span_id)
);

-- One index per sort, ending in the primary key, so a page walks one index from its cursor.
CREATE INDEX llm_calls_by_start ON llm_calls (start_ns, trace_id, span_id);
CREATE INDEX llm_calls_by_cost ON llm_calls (cost_key, trace_id, span_id);
CREATE INDEX llm_calls_by_tokens ON llm_calls (total_tokens, trace_id, span_id);
CREATE INDEX llm_calls_by_duration ON llm_calls (duration_ns, trace_id, span_id);
-- "the costliest calls of X": a filter's calls in cost order, whichever end of the cost index they
-- sit at (unpriced models sort last, so walking the cost index would read every priced call first)
CREATE INDEX llm_calls_by_family_cost ON llm_calls (model_family, cost_key, trace_id, span_id);
CREATE INDEX llm_calls_by_provider_cost ON llm_calls (provider, cost_key, trace_id, span_id);
CREATE INDEX llm_calls_by_workflow_cost ON llm_calls (workflow_name, cost_key, trace_id, span_id);
CREATE INDEX llm_calls_by_service_cost ON llm_calls (service_name, cost_key, trace_id, span_id);

-- Traces stored before this table: the store computes their calls from their spans when it opens.
CREATE TABLE llm_calls_backfill (
    trace_id bytea NOT NULL PRIMARY KEY
);
INSERT INTO llm_calls_backfill (trace_id) SELECT trace_id FROM traces;
