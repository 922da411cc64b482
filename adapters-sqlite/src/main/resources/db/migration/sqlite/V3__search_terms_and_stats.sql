-- Query side of the API (issue 6). V2 belongs to metrics and logs.

-- Filter and sort columns. cost_usd is the rollup's known cost (NULL = unpriced);
-- regression is a flag the domain will supply (NULL = not judged yet).
ALTER TABLE traces ADD COLUMN cost_usd REAL;
ALTER TABLE traces ADD COLUMN regression INTEGER;

CREATE INDEX traces_by_duration ON traces (duration_ns DESC, trace_id DESC);
CREATE INDEX traces_by_cost ON traces (coalesce(cost_usd, -1.0) DESC, trace_id DESC);

-- One full-text row per span chunk (so per trace and commit, never per span), rowid = chunk_id.
-- It holds the words of span names, service names and attribute values for free text, and
-- hashed exact terms (span name, key=value, model, primitive, status) for the exact filters.
-- Contentless: the chunk itself is the content; detail=none because no filter needs positions.
CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, content='', contentless_delete=1, detail=none);

-- Names for the filter pickers: tiny, written only when a new (service, span name) pair appears.
CREATE TABLE operations (
    service_name TEXT NOT NULL,
    span_name    TEXT NOT NULL,
    PRIMARY KEY (service_name, span_name)
) WITHOUT ROWID;
