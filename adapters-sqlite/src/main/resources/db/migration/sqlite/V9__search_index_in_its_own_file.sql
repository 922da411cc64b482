-- The full-text rows moved to a file of their own (tta-obs-search.sqlite, see SearchIndex), so that
-- writing them no longer takes the spans' write lock. The new file starts empty and is filled from
-- span_chunks when the store opens.
DROP TABLE IF EXISTS chunk_terms;
DROP TABLE IF EXISTS search_index_state;
