-- FTS5 merges its index segments as they pile up; at the default (automerge 4) each commit's
-- segment of thousands of distinct terms is merged again soon after. 16 merges less often: the
-- search index is the largest ingest cost after the spans themselves (ingest without it is ~2x
-- faster, docs/performance.md), and searches read only a few more segments. Stored in the index.
INSERT INTO chunk_terms (chunk_terms, rank) VALUES ('automerge', 16);
