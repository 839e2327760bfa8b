-- pgbench ceiling of the get_post scenario: kSelectPostById for a random id of the pool the
-- Lua script uses (loaded by run.sh into bench_post_ids; the extra primary-key lookup of the
-- subquery is part of this ceiling; the post's tags, which Parley reads in one more statement,
-- are not).
\set n random(1, :pool)
SELECT id, author_id, slug, title, description, body, is_published, epoch_millis(created_at),
       epoch_millis(updated_at), like_count
FROM posts WHERE id = (SELECT id FROM bench_post_ids WHERE n = :n);
