-- Metrics and logs, as in SQLite's V2: until this, a PostgreSQL deployment kept them in a local
-- SQLite file on whichever machine ran tta-obs. One row per metric data point; attributes hold the
-- point's attributes as canonical JSON text (sorted keys), so equal attribute sets compare equal and
-- form one series. dedup_key (a hash of the whole point) makes a resent export count once, also when
-- two nodes receive the same retry.
CREATE TABLE metric_points (
    point_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key    bytea            NOT NULL UNIQUE,
    name         text             NOT NULL,
    description  text             NOT NULL,
    unit         text             NOT NULL,
    type         text             NOT NULL,
    service_name text             NOT NULL,
    attributes   text             NOT NULL,
    start_ns     bigint           NOT NULL,
    time_ns      bigint           NOT NULL,
    value        double precision NOT NULL,
    count        bigint           NOT NULL
);

CREATE INDEX metric_points_by_name ON metric_points (name, time_ns DESC, point_id DESC);

-- One row per log record; trace_id/span_id are NULL for a record written outside a span.
CREATE TABLE log_records (
    log_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key       bytea   NOT NULL UNIQUE,
    trace_id        bytea,
    span_id         bytea,
    time_ns         bigint  NOT NULL,
    observed_ns     bigint  NOT NULL,
    severity_number integer NOT NULL,
    severity_text   text    NOT NULL,
    body            text,
    attributes      text    NOT NULL,
    dropped_attrs   integer NOT NULL,
    flags           integer NOT NULL,
    event_name      text    NOT NULL,
    resource        text    NOT NULL,
    scope_name      text    NOT NULL,
    scope_version   text    NOT NULL
);

CREATE INDEX log_records_by_trace ON log_records (trace_id, time_ns) WHERE trace_id IS NOT NULL;
