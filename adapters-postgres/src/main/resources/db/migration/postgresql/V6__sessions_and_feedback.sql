-- As in SQLite's V12: the session and user of a trace (from its summary) with the tokens a session
-- adds up, and feedback on traces and spans.
ALTER TABLE traces ADD COLUMN session_id text;
ALTER TABLE traces ADD COLUMN user_id text;
ALTER TABLE traces ADD COLUMN input_tokens bigint;
ALTER TABLE traces ADD COLUMN output_tokens bigint;
CREATE INDEX traces_by_session ON traces (session_id, start_ns) WHERE session_id IS NOT NULL;
CREATE INDEX traces_by_user ON traces (user_id) WHERE user_id IS NOT NULL;
-- recomputed from their spans when the store opens, which fills the new columns
UPDATE traces SET outcome = NULL;

CREATE TABLE feedback (
    feedback_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trace_id    bytea            NOT NULL,
    span_id     bytea,
    name        text             NOT NULL,
    score       double precision,
    label       text,
    comment     text,
    source      text             NOT NULL,
    created_ns  bigint           NOT NULL,
    -- 1 positive, -1 negative, 0 neither (FeedbackPolarity)
    polarity    smallint         NOT NULL,
    -- the key of a span event's evaluation within the trace, so a resent span adds it once; NULL from the API
    origin      text
);
CREATE INDEX feedback_by_trace ON feedback (trace_id);
CREATE UNIQUE INDEX feedback_by_origin ON feedback (trace_id, origin) WHERE origin IS NOT NULL;
