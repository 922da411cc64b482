-- Retention evicts by arrival (updated_ns, a trace's last write), not by the exporter's clock:
-- an imported week-old trace lives as long as a fresh one (TraceEraser.evict).
CREATE INDEX traces_by_arrival ON traces (updated_ns, trace_id);
