-- As in SQLite's V11: how the run ended (ok, recovered, failed); NULL marks a row stored before
-- the column, which the store recomputes from its spans when it opens.
ALTER TABLE traces ADD COLUMN outcome text;
