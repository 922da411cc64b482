-- One row per metric data point. The attributes column holds the point's attributes as
-- canonical JSON (sorted keys), so equal attribute sets compare equal and form one series.
-- dedup_key (a hash of the whole point) makes a resent export count once.
CREATE TABLE metric_points (
    point_id     INTEGER PRIMARY KEY,
    dedup_key    BLOB    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    service_name TEXT    NOT NULL,
    attributes   TEXT    NOT NULL,
    start_ns     INTEGER NOT NULL,
    time_ns      INTEGER NOT NULL,
    value        REAL    NOT NULL,
    count        INTEGER NOT NULL
);

CREATE INDEX metric_points_by_name ON metric_points (name, time_ns DESC);

-- One row per log record; trace_id/span_id are NULL for a record written outside a span.
CREATE TABLE log_records (
    log_id          INTEGER PRIMARY KEY,
    dedup_key       BLOB    NOT NULL UNIQUE,
    trace_id        BLOB,
    span_id         BLOB,
    time_ns         INTEGER NOT NULL,
    observed_ns     INTEGER NOT NULL,
    severity_number INTEGER NOT NULL,
    severity_text   TEXT    NOT NULL,
    body            TEXT,
    attributes      TEXT    NOT NULL,
    dropped_attrs   INTEGER NOT NULL,
    flags           INTEGER NOT NULL,
    event_name      TEXT    NOT NULL,
    resource        TEXT    NOT NULL,
    scope_name      TEXT    NOT NULL,
    scope_version   TEXT    NOT NULL
);

CREATE INDEX log_records_by_trace ON log_records (trace_id, time_ns) WHERE trace_id IS NOT NULL;
