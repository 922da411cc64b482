-- Chunks partitioned by the day they arrived (days since 1970-01-01, UTC), so retention can drop a
-- whole day of chunks at once instead of deleting them row by row, with their GIN entries.
-- The store creates each day's partition when the first chunk of that day comes (span_chunks_d<day>).
--
-- The chunks already stored become one partition, span_chunks_legacy, covering every day before
-- this migration ran: adding a column with a constant default rewrites nothing, and attaching the
-- table checks its rows once without copying them. Its indexes become the partitions' indexes.
-- Retention drops it once every trace with chunks in it has expired.
ALTER TABLE span_chunks RENAME TO span_chunks_legacy;
ALTER INDEX span_chunks_by_trace RENAME TO span_chunks_legacy_by_trace;
ALTER INDEX span_chunks_by_term RENAME TO span_chunks_legacy_by_term;

CREATE TABLE span_chunks (
    trace_id    bytea    NOT NULL,
    span_count  integer  NOT NULL,
    spans       bytea    NOT NULL,
    terms       tsvector NOT NULL,
    arrived_day integer  NOT NULL
) PARTITION BY RANGE (arrived_day);

CREATE INDEX span_chunks_by_trace ON span_chunks (trace_id);
CREATE INDEX span_chunks_by_term ON span_chunks USING gin (terms) WITH (fastupdate = on);

DO $$
DECLARE
    today integer := floor(extract(epoch FROM clock_timestamp()) / 86400)::integer;
BEGIN
    EXECUTE format('ALTER TABLE span_chunks_legacy ADD COLUMN arrived_day integer NOT NULL DEFAULT %s', today - 1);
    EXECUTE format('ALTER TABLE span_chunks ATTACH PARTITION span_chunks_legacy FOR VALUES FROM (MINVALUE) TO (%s)',
                   today);
END
$$;
