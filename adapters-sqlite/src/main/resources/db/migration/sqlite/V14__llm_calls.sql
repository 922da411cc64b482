-- One row per LLM call, written in the same transaction as its trace (JdbcTraceStore), so the LLM
-- calls list pages through an index instead of decoding span chunks. Keyed by trace first, so a
-- trace's calls sit together: a commit touches about one primary-key page per trace.
CREATE TABLE llm_calls (
    trace_id            BLOB    NOT NULL,
    span_id             BLOB    NOT NULL,
    start_ns            INTEGER NOT NULL,
    duration_ns         INTEGER NOT NULL,
    -- as the call reported it; '' when it names no model
    model               TEXT    NOT NULL,
    model_family        TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    total_tokens        INTEGER NOT NULL,
    -- NULL = unknown (cost_status says why), never $0
    cost_usd            REAL,
    -- what the cost sort orders by: the cost, or -1 when unknown. A column, not an expression
    -- index, so a page's cursor (cost_key, trace_id, span_id) seeks into the index
    cost_key            REAL    NOT NULL,
    cost_status         TEXT    NOT NULL,
    workflow_name       TEXT    NOT NULL,
    service_name        TEXT    NOT NULL,
    failed              INTEGER NOT NULL,
    PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;

-- One index per sort, ending in the primary key, so a page (either direction) walks one index from
-- the cursor.
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

-- Traces stored before this table: the store computes their calls from their spans when it opens
-- (JdbcTraceStore.backfillLlmCalls) and removes them from here.
CREATE TABLE llm_calls_backfill (
    trace_id BLOB NOT NULL PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO llm_calls_backfill (trace_id) SELECT trace_id FROM traces;
