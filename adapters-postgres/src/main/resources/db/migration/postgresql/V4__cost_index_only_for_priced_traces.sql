-- As in SQLite's V10: unpriced traces no longer share one index key ordered by a random trace id;
-- sorting by cost walks this index for priced traces, then the primary key for the rest.
DROP INDEX traces_by_cost;
CREATE INDEX traces_by_cost ON traces (cost_usd DESC, trace_id DESC) WHERE cost_usd IS NOT NULL;
