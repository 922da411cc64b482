-- Search rows are written after the spans' own commit, in larger transactions (see
-- SqliteTraceStore.indexPending). This row says how far the index has got: chunks above it are
-- indexed again on the next start, so a crash in between loses no search terms.
CREATE TABLE search_index_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_upto INTEGER NOT NULL
);
INSERT INTO search_index_state (id, indexed_upto) SELECT 1, coalesce(max(chunk_id), 0) FROM span_chunks;
