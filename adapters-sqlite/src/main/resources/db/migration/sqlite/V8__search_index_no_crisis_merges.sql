-- With automerge at 16 (V5), a level reaching FTS5's default crisismerge (also 16) is merged whole,
-- inside whichever transaction adds the segment: at millions of spans that is one commit of the
-- search index taking seconds while the writer waits. At 64, the incremental merges (a bounded
-- amount of work per transaction) keep the levels short, so the whole-level merge stays rare.
INSERT INTO chunk_terms (chunk_terms, rank) VALUES ('crisismerge', 64);
