-- How the run ended (ok, recovered, failed), for the outcome filter and the error rate. NULL marks
-- a row stored before the column: the store recomputes those from their spans when it opens
-- (JdbcTraceStore.recomputeRowsWithoutOutcome), because error_count cannot tell recovered from failed.
ALTER TABLE traces ADD COLUMN outcome TEXT;
