-- One row per trace: what the trace list reads, and the columns its filters use.
-- WITHOUT ROWID keeps the row in the primary-key b-tree: one b-tree insert per trace, not two.
CREATE TABLE traces (
    trace_id     BLOB    NOT NULL PRIMARY KEY,
    start_ns     INTEGER NOT NULL,
    end_ns       INTEGER NOT NULL,
    duration_ns  INTEGER NOT NULL,
    service_name TEXT    NOT NULL,
    root_name    TEXT    NOT NULL,
    span_count   INTEGER NOT NULL,
    error_count  INTEGER NOT NULL,
    summary      BLOB    NOT NULL,
    updated_ns   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX traces_by_start ON traces (start_ns DESC, trace_id DESC);
CREATE INDEX traces_by_service ON traces (service_name, start_ns DESC);

-- The spans of one trace that arrived in one commit, encoded together (SpanCodec).
-- One index entry per trace and commit instead of one per span is what keeps ingest fast:
-- a random index insert per span caps SQLite at ~60-75k spans/s on this hardware.
CREATE TABLE span_chunks (
    chunk_id   INTEGER PRIMARY KEY,
    trace_id   BLOB    NOT NULL,
    span_count INTEGER NOT NULL,
    spans      BLOB    NOT NULL
);

CREATE INDEX span_chunks_by_trace ON span_chunks (trace_id);
