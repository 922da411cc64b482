-- Most traces have no cost (no LLM call, or an unpriced model), and the old index put all of them
-- under one key, -1, ordered by their random trace id: every commit rewrote ~one b-tree page per
-- new trace for it. Sorting by cost now walks this index for priced traces, then the primary key
-- (trace id, descending) for the rest, which is the same order (TraceSearchSql).
DROP INDEX traces_by_cost;
CREATE INDEX traces_by_cost ON traces (cost_usd DESC, trace_id DESC) WHERE cost_usd IS NOT NULL;
