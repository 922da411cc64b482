-- Earlier runs of the same workflow (service and root span name), newest first: the regression
-- baseline of every trace detail reads these, and `root=` searches use them.
CREATE INDEX traces_by_root ON traces (service_name, root_name, start_ns DESC, trace_id DESC);
