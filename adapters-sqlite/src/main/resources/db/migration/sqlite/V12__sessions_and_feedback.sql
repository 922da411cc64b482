-- Sessions: the conversation a trace is a turn of, and its user, from the summary (WorkflowRollup),
-- with the tokens a session adds up. The session list groups by session_id through its index.
ALTER TABLE traces ADD COLUMN session_id TEXT;
ALTER TABLE traces ADD COLUMN user_id TEXT;
ALTER TABLE traces ADD COLUMN input_tokens INTEGER;
ALTER TABLE traces ADD COLUMN output_tokens INTEGER;
CREATE INDEX traces_by_session ON traces (session_id, start_ns) WHERE session_id IS NOT NULL;
CREATE INDEX traces_by_user ON traces (user_id) WHERE user_id IS NOT NULL;
-- The rows stored before hold no session yet: marking them as from before the outcome column has
-- the store recompute them from their spans when it opens (JdbcTraceStore.recomputeRowsWithoutOutcome),
-- which fills the new columns and writes their summaries in the format that carries the user.
UPDATE traces SET outcome = NULL;

-- Feedback on a trace or one of its spans: a person's thumbs or comment, an evaluator's score.
-- AUTOINCREMENT: an id deleted is never given out again, so a client's DELETE cannot hit a newer item.
CREATE TABLE feedback (
    feedback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id    BLOB    NOT NULL,
    span_id     BLOB,
    name        TEXT    NOT NULL,
    score       REAL,
    label       TEXT,
    comment     TEXT,
    source      TEXT    NOT NULL,
    created_ns  INTEGER NOT NULL,
    -- 1 positive, -1 negative, 0 neither (FeedbackPolarity), for the feedback=positive|negative filter
    polarity    INTEGER NOT NULL,
    -- for feedback read from a span's gen_ai.evaluation.result event: its key within the trace, so a
    -- resent span adds it once; NULL for feedback given through the API
    origin      TEXT
);
CREATE INDEX feedback_by_trace ON feedback (trace_id);
CREATE UNIQUE INDEX feedback_by_origin ON feedback (trace_id, origin) WHERE origin IS NOT NULL;
