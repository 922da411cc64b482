-- A chunk's exact terms (span name, key=value, model, primitive, status OK: SearchTerms) move from
-- the terms tsvector, where each was a 17-character lexeme ('=' and 16 hex digits), to a bigint[]
-- of the same 64-bit hashes with a GIN index of its own. The GIN entries of those terms were most
-- of a chunk insert's cost; fixed-size integer keys are cheaper to compare and smaller to store.
-- The tsvector keeps the words, which free-text search matches by prefix.
--
-- Every stored chunk is rewritten once, with its term index dropped meanwhile and built again in
-- bulk after, which is faster than updating it row by row.
ALTER TABLE span_chunks ADD COLUMN exact bigint[] NOT NULL DEFAULT '{}';

DROP INDEX span_chunks_by_term;

UPDATE span_chunks SET
    exact = ARRAY(SELECT ('x' || substr(l, 2))::bit(64)::bigint
                  FROM unnest(tsvector_to_array(terms)) AS l WHERE left(l, 1) = '='),
    terms = array_to_tsvector(ARRAY(SELECT l FROM unnest(tsvector_to_array(terms)) AS l WHERE left(l, 1) <> '='));

ALTER TABLE span_chunks ALTER COLUMN exact DROP DEFAULT;

-- fastupdate, as before: new entries go to a pending list merged in bulk
CREATE INDEX span_chunks_by_term ON span_chunks USING gin (terms) WITH (fastupdate = on);
CREATE INDEX span_chunks_by_exact ON span_chunks USING gin (exact) WITH (fastupdate = on);
