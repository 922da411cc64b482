-- The day a trace's first chunk arrived (days since 1970-01-01, UTC). With the day of its last
-- (updated_ns), it bounds the day partitions of span_chunks that a search's test of the trace's
-- chunks reads (pruned while the query runs), instead of every day retention keeps.
--
-- Traces stored before this migration get the lowest integer: their chunks may sit in any earlier
-- partition, so their searches read all of them, as before, until the traces expire. A constant
-- default rewrites no row. Set by a trigger on insert, so the upsert the store shares with SQLite
-- binds the same columns; the upsert's update leaves it as it is.
ALTER TABLE traces ADD COLUMN first_arrived_day integer NOT NULL DEFAULT -2147483648;

CREATE FUNCTION traces_first_arrived_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_arrived_day := floor(NEW.updated_ns / 86400000000000.0)::integer;
    RETURN NEW;
END
$$;

CREATE TRIGGER traces_first_arrived_day BEFORE INSERT ON traces
    FOR EACH ROW EXECUTE FUNCTION traces_first_arrived_day();
