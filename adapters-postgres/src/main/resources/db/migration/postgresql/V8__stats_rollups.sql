-- What /api/stats reads, kept in the database so every node that shares it gives the same answer
-- without scanning the traces: each write adds its traces' new summaries and takes away the ones
-- they replace, in its own transaction (RunningStats computes the change). One row per duration
-- bucket (log scale, 2% wide) spreads concurrent writers over many rows instead of one hot row.
CREATE TABLE stats_durations (
    bucket      integer          NOT NULL PRIMARY KEY,
    traces      bigint           NOT NULL,
    failed      bigint           NOT NULL,
    recovered   bigint           NOT NULL,
    duration_ns double precision NOT NULL
);

-- Cost per start day (days since 1970-01-01, UTC): the "cost today" of the status bar.
CREATE TABLE stats_cost_by_day (
    day          bigint           NOT NULL PRIMARY KEY,
    cost_usd     double precision NOT NULL,
    priced       bigint           NOT NULL,
    unpriced_llm bigint           NOT NULL
);

-- Whether the rows above account for every trace. The summaries are binary (SummaryCodec), so
-- SQL cannot fill them here: the first store to open after this migration fills them from the
-- traces table and sets the flag, while it holds the traces table against writers.
CREATE TABLE stats_state (
    singleton boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (singleton),
    built     boolean NOT NULL
);
INSERT INTO stats_state (singleton, built) VALUES (true, false);
