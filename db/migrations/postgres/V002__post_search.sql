-- V002: full-text search on posts (GET /api/v1/posts?q=...): a tsvector column and its GIN index.
--
-- search is a stored generated column, so PostgreSQL itself keeps it in step with title and body
-- on every insert and update, whoever writes; adding it rewrites posts once, which also indexes
-- the posts that existed before this migration. Title words weigh A and body words B, so
-- ts_rank() ranks a title match above a body-only one. The 'english' configuration stems
-- ("kayaks" finds "kayak") and drops stop words.
--
-- The adapter matches with search @@ plainto_tsquery('english', <the words of the search>):
-- every word must occur, and nothing in user text is read as tsquery syntax.
-- EXPLAIN on 220k posts (see docs/data-model.md): the matches are found by a Bitmap Index Scan
-- on posts_search_idx (Bitmap Heap Scan with the draft rule as a Filter), then ranked and
-- sorted (top-N heapsort for the page); the total is counted from the same bitmap.

ALTER TABLE posts
  ADD COLUMN search tsvector
  GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') ||
                       setweight(to_tsvector('english', body), 'B')) STORED;

CREATE INDEX posts_search_idx ON posts USING gin (search);
