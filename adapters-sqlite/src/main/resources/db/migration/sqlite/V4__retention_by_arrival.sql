-- Retention evicts by arrival (updated_ns, the time of a trace's last write), not by the
-- exporter's clock: an imported week-old trace lives as long as a fresh one. Arrival times only
-- grow, so this index is appended to, never split.
CREATE INDEX traces_by_arrival ON traces (updated_ns, trace_id);
