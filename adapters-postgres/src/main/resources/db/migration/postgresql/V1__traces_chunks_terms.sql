-- One row per trace: what the trace list reads, and the columns its filters and sorts use.
CREATE TABLE traces (
    trace_id     bytea            NOT NULL PRIMARY KEY,
    start_ns     bigint           NOT NULL,
    end_ns       bigint           NOT NULL,
    duration_ns  bigint           NOT NULL,
    service_name text             NOT NULL,
    root_name    text             NOT NULL,
    span_count   integer          NOT NULL,
    error_count  integer          NOT NULL,
    -- the rollup's known cost; NULL = unpriced
    cost_usd     double precision,
    -- a flag the domain will supply; NULL = not judged yet
    regression   boolean,
    summary      bytea            NOT NULL,
    updated_ns   bigint           NOT NULL
);

CREATE INDEX traces_by_start ON traces (start_ns DESC, trace_id DESC);
CREATE INDEX traces_by_service ON traces (service_name, start_ns DESC);
CREATE INDEX traces_by_duration ON traces (duration_ns DESC, trace_id DESC);
CREATE INDEX traces_by_cost ON traces ((coalesce(cost_usd, -1.0)) DESC, trace_id DESC);

-- The spans of one trace that arrived in one commit, encoded together (SpanCodec), with their
-- search terms. One row and one b-tree entry per trace and commit instead of one per span is
-- what keeps ingest fast. No primary key: nothing addresses a chunk except through its trace.
CREATE TABLE span_chunks (
    trace_id   bytea    NOT NULL,
    span_count integer  NOT NULL,
    spans      bytea    NOT NULL,
    -- lexemes as-is (array_to_tsvector), never run through a text parser: words of names and
    -- string values, and '='-prefixed hashes of exact terms (span name, key=value, model, ...)
    terms      tsvector NOT NULL
)
-- A typical chunk (10 spans, their terms) is 4-7 kB. By default PostgreSQL compresses (pglz) and
-- moves out of line every row over 2 kB, which cost about a quarter of the insert time here;
-- rows up to a page now stay inline and uncompressed, and only larger chunks are compressed.
WITH (toast_tuple_target = 8160);

CREATE INDEX span_chunks_by_trace ON span_chunks (trace_id);
-- fastupdate: new entries go to a pending list merged in bulk, so a commit does not pay one
-- random GIN insert per lexeme
CREATE INDEX span_chunks_by_term ON span_chunks USING gin (terms) WITH (fastupdate = on);

-- Names for the filter pickers: tiny, written only when a new (service, span name) pair appears.
CREATE TABLE operations (
    service_name text NOT NULL,
    span_name    text NOT NULL,
    PRIMARY KEY (service_name, span_name)
);
